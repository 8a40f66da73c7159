//! What the index knows about one file: its definitions, the names it uses, what it imports.

/// One definition found by a `@name.definition.<kind>` capture.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DefinitionSite {
    /// The defined name.
    pub name: String,
    /// `<kind>` from the capture name (`@name.definition.function` → `"function"`).
    pub kind: String,
    /// First line (0-based) of the whole definition node.
    pub start_line: usize,
    /// Last line (0-based, inclusive) of the whole definition node.
    pub end_line: usize,
    /// Whether the name sits inside a function body (a `@local.scope` capture): a helper
    /// defined inside a test, a type declared in a callback. Other files cannot use it.
    pub local: bool,
}

/// Symbols of one file, in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSymbols {
    /// Every definition, ordered by the position of its name.
    pub definitions: Vec<DefinitionSite>,
    /// Names the file uses (`@name.reference.*` except imports), each once, in order of first use.
    pub references: Vec<String>,
    /// Import specifiers as written (`crate::a::b`, `.models`, `./x`, `fmt`, `x.h`), each once.
    pub imports: Vec<String>,
    /// Names the file's import statements bring in, each once, in source order.
    pub imported: Vec<ImportedName>,
}

/// A name an import statement brings in (`@name.reference.imported`), and where that statement is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedName {
    pub name: String,
    /// First line (0-based) of the statement.
    pub start_line: usize,
    /// Last line (0-based, inclusive) of the statement.
    pub end_line: usize,
}

impl FileSymbols {
    /// Whether some definition in the file has this name.
    pub fn defines(&self, name: &str) -> bool {
        self.definitions.iter().any(|d| d.name == name)
    }

    /// Whether one of the file's import statements brings in this name.
    pub fn imports_name(&self, name: &str) -> bool {
        self.imported.iter().any(|i| i.name == name)
    }
}
