"""Function words: the words that carry no topic of their own, for every text analysis of the product."""

from __future__ import annotations

STOPWORDS = frozenset(
    """
    og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men ett har om vi min mitt
    ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor eller hva skal selv sjøl her alle vil
    bli ble blitt kunne inn når være vært noen noe ville dere som deres kun ja etter ned skulle denne for deg si
    sine sitt mot å meget hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni
    mellom vår hver hvem vors hvis både bare enn fordi før mange også slik vært være begge siden dykk dykkar dei
    deira deires deim di då eg ein eit eitt elles honom hjå ho hoe henne hennar hennes hoss hossen ikkje ingi inkje
    berre korleis korso kva kvar kvarhelst kven kvi kvifor me medan mi mine mykje no nokon noka nokor noko nokre si sia
    frå kor òg sjølv heile kvart kvarandre hverandre saman
    sidan so somt somme um upp vere vore verte vort varte vart få får må the a an of to in is are and or for
    on at by with from as be it this that what which who how do does can i my me we our you your have has will
    would should could about into than then there their them they was were been being am not no yes hei står stå
    gjelder ifølge iht jf pkt kap nr bl m.m mens tar ta get got tell please
    all andre annet any blant but ca del dvs ei eks f gjennom had his hvilket innen its kilde kilden kildene kom may mm mv nei nevnt one osv out ref samt sier these those under våre when
    doesn isn aren wasn weren don didn hasn haven hadn won wouldn shouldn couldn mustn needn ll ve re
    """.split()
)
"""The one stopword list (Bokmål, Nynorsk and English function words) used by retrieval, citation
support and the evaluation metrics."""

NUMBER_WORDS = frozenset(
    """
    null en ett én ei eitt ein to tre fire fem seks sju syv åtte ni ti elleve tolv tretten fjorten femten seksten
    sytten søtten atten nitten tjue tjuge tyve tretti tredve førti femti seksti sytti søtti åtti nitti hundre
    hundrede tusen million millioner halv halvt halve halvannen halvanna halvannet dobbelt
    første andre tredje fjerde femte sjette sjuende syvende åttende niende tiende ellevte tolvte
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand half double
    first second third fourth fifth sixth seventh eighth ninth tenth
    """.split()
)
"""Cardinal and ordinal number words of Bokmål, Nynorsk and English (and fractions): they count or order
what a sentence speaks of and never name a topic of their own."""
