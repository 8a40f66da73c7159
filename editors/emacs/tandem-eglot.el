;;; tandem-eglot.el --- tandem through eglot  -*- lexical-binding: t; -*-
;; Eglot runs one server per buffer, so this makes tandem the server for the listed modes. Eglot
;; has no inline completion: suggestions come through completion-at-point (corfu, company).
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((python-mode python-ts-mode rust-mode rust-ts-mode js-mode js-ts-mode
                  typescript-ts-mode go-mode go-ts-mode c-mode c-ts-mode c++-mode c++-ts-mode
                  java-mode java-ts-mode)
                 . ("tandem" "serve" :initializationOptions
                    (:completion (:debounce_ms 60))))))
;;; tandem-eglot.el ends here
