"""Documents a buyer forwards: the quote and the delivery note, as PDF (ReportLab) and as printable HTML."""
