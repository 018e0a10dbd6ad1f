"""Education leave tools built from the cited law: a rights check, the written notice and the reply deadline.

``rules`` holds the rules as data, each tied to the exact sentence in ``corpus/`` it comes
from; ``sjekk``, ``varsel`` and ``svarfrist`` turn a short form into a cited result;
``docx`` writes the drafts as Word files. No index or model is needed.
"""
