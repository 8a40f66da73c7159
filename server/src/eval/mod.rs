//! `tandem eval`: runs the completion pipeline on task files and scores it.
