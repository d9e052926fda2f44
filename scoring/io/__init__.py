"""Files in and out of the month: imports, exports, their formats and the bulk writer."""
