"""Legal documents (法律文书): templates, rendering to PDF and DOCX, numbering, verification."""
