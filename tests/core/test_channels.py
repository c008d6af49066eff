from notifyadmin.core.channels import Channel, Language, channel_label, content_label, language_label


def test_one_vocabulary_with_labels_in_one_place():
    assert Channel.values == ["nhsapp", "sms", "email", "letter"]
    assert channel_label("nhsapp") == "NHS App message"
    assert channel_label("nhsapp", short=True) == "NHS App"
    assert language_label("cy") == "Welsh"
    assert content_label("nhsapp", "en") == "NHS App message in English"


def test_unknown_codes_display_as_themselves():
    assert channel_label("fax") == "fax"
    assert language_label("xx") == "xx"
    assert Language.ENGLISH == "en"
