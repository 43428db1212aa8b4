"""The dialog engine's screens: any list fits a USSD screen, page by page, numbers kept."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from channels.ussd.protocol import LIMIT
from crm.i18n.catalogs import LANGUAGES, catalog, translate
from crm.selfservice.engine import MORE, Screen, render


class English:
    """What ``render`` needs of a context: the catalog."""

    language = "en"

    def t(self, key: str, **values) -> str:
        return translate("en", key, **values)


labels = st.lists(st.text(alphabet="abcdefghij KES0123456789.,", min_size=1, max_size=60), min_size=0, max_size=40)


@settings(max_examples=150, deadline=None)
@given(labels=labels, header=st.text(alphabet="abcdef :", min_size=1, max_size=40), in_dialog=st.booleans())
def test_every_page_fits_and_every_choice_is_shown_once_with_its_number(labels, header, in_dialog):
    screen = Screen(header, tuple((str(n), label) for n, label in enumerate(labels)))
    seen: list[str] = []
    page = 0
    while True:
        text, shown = render(English(), screen, page, LIMIT, in_dialog=in_dialog)
        assert len(text) <= LIMIT
        assert shown == page
        lines = text.split("\n")[1 + header.count("\n"):]
        seen += [line for line in lines if not line.startswith((f"{MORE}. ", "0. "))]
        if f"{MORE}. More" not in lines:
            break
        page += 1
        assert page < 100
    assert [line.split(". ", 1)[0] for line in seen] == [str(n) for n in range(1, len(labels) + 1)]


def test_a_page_past_the_end_shows_the_last_one():
    screen = Screen("Pick:", tuple((str(n), f"Bundle number {n} KES 1,000.00") for n in range(20)))
    last, page = render(English(), screen, 99, LIMIT, in_dialog=True)
    assert page > 0 and "20. Bundle number 19" in last and "98. More" not in last


def test_every_language_has_every_message():
    english = set(catalog("en"))
    for language in LANGUAGES:
        assert set(catalog(language)) == english, language
