"""Order charges and freight: the staff's rule tables, and the charges and freight a quote carries."""
