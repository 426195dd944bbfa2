"""Amounts as Chinese courts and banks print them: 120,000.00 (groups of three with commas).

Django's zh_Hans groups by four digits (万) with no separator, which prints nothing at all, so
`intcomma` showed 120000.00 on the case pages.
"""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Django's own has "m月j日", which prints 02月15日: a clerk writes 2月15日.
MONTH_DAY_FORMAT = "n月j日"
