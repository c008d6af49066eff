"""The length limits of every text a person or a client system can give the preferences app.

One list, used by the forms (`max_length`), by the services (which refuse longer input whatever
called them) and importable by API serializers, so that a page and an API accept exactly the
same input. The numbers match the model columns where there is one.
"""

# People's names (Patient.given_name, family_name, preferred_name).
NAME_MAX_LENGTH = 100
# Why a change was made, kept in the history and the audit trail.
REASON_MAX_LENGTH = 1000
# The free-text detail of a search reason.
SEARCH_REASON_DETAIL_MAX_LENGTH = 500
# What is typed into the search box: an NHS number, a mobile or an email address.
SEARCH_VALUE_MAX_LENGTH = 320
# Any contact detail as typed (mobile, email or a whole postal address).
CONTACT_VALUE_MAX_LENGTH = 1000
# An email address (RFC 5321's path limit).
EMAIL_MAX_LENGTH = 254
# A postal address: at most this many lines, each at most this long (a UK address fits in 6 lines
# of 35 characters on an envelope window; the margin is for flats and long house names).
ADDRESS_MAX_LINES = 8
ADDRESS_LINE_MAX_LENGTH = 100
# How a contact detail was verified ("Code sent by text and read back").
VERIFIED_HOW_MAX_LENGTH = 200
