"""The release pack: details, documents, masters, pre-flight and the ZIP."""
