"""Number formats that differ from Django's for our languages (FORMAT_MODULE_PATH); everything not
named here (dates, input formats) comes from Django's own locale modules."""
