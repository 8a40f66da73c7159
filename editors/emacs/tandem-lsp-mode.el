;;; tandem-lsp-mode.el --- tandem through lsp-mode  -*- lexical-binding: t; -*-
;; lsp-mode runs tandem as an add-on next to the language's own server. Completions arrive through
;; completion-at-point; lsp-mode versions with `lsp-inline-completion-mode' also show them inline.
(with-eval-after-load 'lsp-mode
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection '("tandem" "serve"))
    :activation-fn (lambda (_file-name _mode) t)
    :server-id 'tandem
    :add-on? t
    :priority -2
    :initialization-options (lambda () '(:completion (:debounce_ms 60))))))
;;; tandem-lsp-mode.el ends here
