"""Pure content engine for message templates: no database; channels and languages are the
one vocabulary of notifyadmin.core.channels.

The template-versioning app builds on these modules:

- ``limits``: the content limits of each channel.
- ``schema``: personalisation fields and their validation.
- ``rendering``: the restricted placeholder syntax, its checker and renderer.
- ``sms``: GSM-7 / UCS-2 detection, fragments and cost.
- ``markdown_check``: the NHS App Markdown subset, its checker and HTML preview.
- ``readability``: reading age and sentence splitting.
- ``lint``: every content rule, as findings with stable codes.
- ``diff``: side-by-side comparison of two texts.
"""
