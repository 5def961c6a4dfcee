"""What a document's parse depends on, resolved once: :class:`DocumentSettings`.

A document is parsed under a handful of settings — its id, script, lead rule,
default currency or issuer, publication date and encoding. Callers may leave
some as ``"auto"``; :meth:`DocumentSettings.resolve` reads those once from the
text (and the manifest, for corpus documents) and returns a frozen object that
``parse_document``, the corpus build and the CLI pass on. Every later stage
reads the resolved values; none detects them again.

The settings are part of a document's cache key (:meth:`DocumentSettings.key`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from coopstats import vocabulary

__all__ = ["REQUESTED", "SCRIPTS", "DocumentSettings", "check_requested"]

SCRIPTS: tuple[str, ...] = ("hans", "hant")

#: The settings a caller may ask for a document, with their defaults (``auto``: read from the text).
REQUESTED: dict[str, str | None] = {
    "lead_rule": "auto",
    "script": "auto",
    "default_currency": None,
    "issuer": None,
    "published": None,
}


def check_requested(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The requested settings with their defaults, refused before any text is read if they are off.

    The one check of what ``parse_document``, ``cs.add`` and ``cs.parse_documents`` are asked for.

    Raises
    ------
    TypeError
        A setting that does not exist.
    ValueError
        A value outside its declared choices.

    Examples
    --------
    >>> check_requested({"lead_rule": "marker"})["script"]
    'auto'
    >>> check_requested({"script": "latin"})
    Traceback (most recent call last):
    ValueError: script must be one of auto, hans, hant, not 'latin'
    """
    unknown = sorted(set(settings) - set(REQUESTED))
    if unknown:
        raise TypeError(
            f"unknown document settings {', '.join(unknown)}; expected any of {', '.join(REQUESTED)}"
        )
    requested = {**REQUESTED, **settings}
    choices = {"lead_rule": ("auto", *vocabulary.lead_rules()), "script": ("auto", *SCRIPTS)}
    for key, allowed in choices.items():
        if requested[key] not in allowed:
            raise ValueError(f"{key} must be one of {', '.join(allowed)}, not {requested[key]!r}")
    currency = requested["default_currency"]
    if currency is not None and currency not in vocabulary.currency_codes():
        raise ValueError(
            f"default_currency must be one of {', '.join(vocabulary.currency_codes())}, not {currency!r}"
        )
    return requested


@dataclass(frozen=True)
class DocumentSettings:
    """The resolved settings of one document.

    Attributes
    ----------
    doc_id : str
        Identifier used in the frames.
    script : {"hans", "hant"}
        Script the text is written in.
    lead_rule : {"marker", "first-listed", "none"}
        How lead agencies are marked (``"auto"`` resolved from the text).
    default_currency : str or None
        Currency of a bare 元 (an ISO code of the vocabulary), if known.
    issuer : str or None
        Issuing body, as written.
    published : str or None
        Publication date, ISO 8601 as precise as known (``2024-03``).
    encoding : str or None
        Codec the bytes were decoded with (``None`` for text passed as ``str``).

    Examples
    --------
    >>> s = DocumentSettings.resolve("列在任务分工首位的为牵头单位。", doc_id="d")
    >>> s.lead_rule, s.script
    ('first-listed', 'hans')
    """

    doc_id: str
    script: str
    lead_rule: str
    default_currency: str | None = None
    issuer: str | None = None
    published: str | None = None
    encoding: str | None = None

    def __post_init__(self) -> None:
        if self.script not in SCRIPTS:
            raise ValueError(f"script must be one of {', '.join(SCRIPTS)}, not {self.script!r}")
        if self.lead_rule not in vocabulary.lead_rules():
            raise ValueError(
                f"lead_rule must be one of {', '.join(vocabulary.lead_rules())}, not {self.lead_rule!r}"
            )
        if self.default_currency is not None and self.default_currency not in vocabulary.currency_codes():
            raise ValueError(
                f"default_currency must be one of {', '.join(vocabulary.currency_codes())}, "
                f"not {self.default_currency!r}"
            )

    @classmethod
    def resolve(
        cls,
        text: str,
        *,
        doc_id: str,
        script: str = "auto",
        lead_rule: str = "auto",
        default_currency: str | None = None,
        issuer: str | None = None,
        published: str | None = None,
        encoding: str | None = None,
    ) -> DocumentSettings:
        """Resolve ``"auto"`` values from the document's text, once.

        Parameters
        ----------
        text : str
            The document's text (its span of the source file).
        doc_id : str
            Identifier used in the frames.
        script : {"auto", "hans", "hant"}
            ``"auto"`` detects it (:func:`coopstats.text.detect_script`).
        lead_rule : {"auto", "marker", "first-listed", "none"}
            ``"auto"`` reads the document's own statement
            (:func:`coopstats.agency_resolution.detect_lead_rule`).
        default_currency, issuer, published, encoding : str, optional
            Taken as given.

        Raises
        ------
        ValueError
            A value outside its declared choices.
        """
        check_requested(
            {"script": script, "lead_rule": lead_rule, "default_currency": default_currency or None}
        )
        if script == "auto":
            from coopstats.text import detect_script

            script = detect_script(text)
        if lead_rule == "auto":
            from coopstats.agency_resolution import detect_lead_rule

            lead_rule = detect_lead_rule(text)
        return cls(
            doc_id=doc_id,
            script=script,
            lead_rule=lead_rule,
            default_currency=default_currency or None,
            issuer=issuer or None,
            published=published or None,
            encoding=encoding,
        )

    def key(self) -> str:
        """A stable text of every setting, for cache keys.

        Examples
        --------
        >>> DocumentSettings("d", "hans", "marker").key()
        '{"default_currency": null, "doc_id": "d", "encoding": null, "issuer": null, "lead_rule": "marker", \
"published": null, "script": "hans"}'
        """
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
