"""Detecting questions that signal acute danger, so that the fixed safety notice comes first.

The rule, in order (pure regular expressions on the question, case-insensitive, word boundaries):

1. An always-acute phrase triggers: someone is being hurt or threatened (`slår meg`, `blir slått`,
   `ble voldtatt`, `truer med å drepe`), self-harm or suicidal intent (`ta livet av meg`,
   `vil ikke leve`, `kutter meg`, `skade meg selv`), or a medical emergency / danger now
   (`bevisstløs`, `blør`, `livsfare`, `i fare nå`, `har tatt en overdose`).
2. Otherwise nothing triggers without a danger word (vold, mishandling, overgrep, seksuelt misbruk,
   voldtekt, selvmord, selvskading, trusler, akutt, overdose, omsorgssvikt, …).
3. A danger word with a *concrete-situation cue* triggers even inside a policy frame: urgency or
   now (`akkurat nå`, `i kveld`, `i natt`), a person of one's own (`barnet mitt`, `min sønn`,
   `mamma`, `stefar`, `kjæresten min`), someone as victim (`er utsatt for`, `blir truet`), fear or a
   plea (`redd`, `hjelp meg`, `hva skal jeg gjøre`).
4. A danger word inside a *policy frame* does not: planners and staff ask about violence too
   (`forebygging av`, `tiltak mot`, `statistikk`, `hvor mange`, `kunnskapsgrunnlaget`, `strategien`,
   `planen`, `verkstedene`, `rutiner`, `hva sier`, `hva er`, `hva betyr`, `nære relasjoner` as a term).
5. A danger word outside a policy frame triggers, with or without a personal cue ("Jeg har
   selvmordstanker", "Naboen er voldelig"): when in doubt the notice is shown, because a calm notice
   too many costs less than one too few.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.prompts import PromptSet

_PERSON = (
    r"(?:meg|oss|deg|henne|ham|han|hun|barnet|barna mine|babyen|mamma|mor|pappa|far|broren min|"
    r"søsteren min|sønnen min|datteren min|kona mi|kona min|mannen min|kjæresten min|eleven)"
)
_VICTIM = (
    r"(?:jeg|vi|hun|han|mamma|pappa|mor|far|barnet mitt|barna mine|sønnen min|datteren min|min sønn|"
    r"min datter|venninnen min|vennen min|broren min|søsteren min|kjæresten min|eleven min|naboen|babyen)"
)
_HURT = r"(?:slå|slår|slo|slått|banker|banket|sparker|sparket|kvele|kveler|kvalte|mishandler|mishandlet)"

_ALWAYS = re.compile(
    r"\b(?:"
    # suicidal intent and self-harm
    r"ta(?:r)? livet (?:av )?(?:meg|meg selv|mitt)|"
    r"tenker på (?:selvmord|å ta livet|å skade meg)|har selvmordstanker|"
    r"vil ikke leve|orker ikke (?:å )?leve|orker ikke mer(?= *(?:[.!?,]|$))|har ikke lyst til å leve|"
    r"vil dø|ønsker å dø|"
    r"(?:skade|skader|skadet) meg selv|kutter meg|kuttet meg|skjærer meg|"
    # someone is being hurt or threatened ("det slår meg at" = "it strikes me that" is not)
    rf"{_HURT} {_PERSON}(?! at\b)|"
    # a named or own person as victim ("hvor mange barn blir slått" is a topic, not a situation)
    rf"{_VICTIM} (?:blir|ble|er blitt|har blitt|er|har vært) (?:\w+ )?(?:slått|banket|sparket|mishandlet|"
    r"voldtatt|truet|misbrukt|kvalt|utsatt for (?:vold|overgrep|trusler|seksuelle overgrep))|"
    r"(?:vold|trusler) mot (?:meg|oss|barnet mitt|barna mine|mamma|pappa)|"
    r"truer med å (?:drepe|skade|slå|ta)|truer med kniv|truet med kniv|"
    # medical emergency, danger now
    r"bevisstløs|besvimt|puster ikke|blør|livsfare|i livsfare|i fare nå|"
    r"har tatt en overdose|tatt overdose|overdose nå"
    r")\b",
    re.I,
)
# Acute phrasings beyond the Norwegian core above, by kind (bokmål, nynorsk, English, simple Norwegian).
_ACUTE = re.compile(
    r"\b(?:"
    # suicidal intent, indirect and slang
    r"(?:kill|killing|hurt|hurting|harm|harming) myself|want to die|wanna die|end (?:my|it all)|"
    r"(?:don'?t|do not) want to (?:live|be alive|exist)|suicidal|kms|"
    r"ingen vil ha meg|ingen bryr seg om meg|alle (?:hadde|ville) hatt det bedre uten meg|"
    r"better off without me|vil (?:bare )?forsvinne|vil berre forsvinne|"
    r"ikke våkne (?:igjen|opp)|ikkje vakne (?:att|igjen)|never wake up|"
    r"eg vil (?:ikkje leve|døy)|vil ikkje leve|tenkjer på å (?:døy|ta livet)|"
    r"ta livet mitt|tek livet mitt|"
    # medical emergencies and poisoning
    r"(?:svelget|svelgt|svelgde|svelga|svelgd|swallowed)\b.{0,40}?"
    r"(?:tablett\w*|pille\w*|batteri\w*|battery|medisin\w*|gift\w*|rengjøring\w*|kjemikal\w*|vaskemid\w*|"
    r"something|noe|noko|bleach|pills?)|"
    r"puster (?:veldig )?(?:rart|dårlig|tungt)|pustar (?:rart|ikkje)|"
    r"(?:trouble|difficulty|can'?t|cannot|not) breath\w*|"
    r"blir blå|blå rundt munnen|turning blue|"
    r"(?:våkner|vaknar|vakner) ikke|våkner ikkje|vaknar ikkje|won'?t wake|doesn'?t wake|not waking|passed out|"
    r"unconscious|(?:ligger|ligg) på gulvet|svarer ikke|svarar ikkje|(?:has|have) taken something|"
    r"har tatt (?:noe|noko)|overdosed|seizure|krampe\w*|"
    # sexual abuse and grooming
    r"tar på meg|tek på meg|touch(?:es|ed|ing)? me|gjør ting med meg|gjer ting med meg|"
    r"(?:touch\w*|tar på|tok på|tek på|rører|rørte|fikler|fikla|feeling up)\b.{0,30}?"
    r"(?:private parts|privates|down there|kjønnsorgan\w*|tissen\w*|mellom beina|between (?:her|my|his) legs|"
    r"under (?:the |her |my |his )?clothes|under klærne)|"
    r"(?:babysitter\w*|barnevakt\w*|stefar\w*|stepdad|stepfather|onkel\w*|uncle|coach|trener\w*)\b.{0,40}?"
    r"(?:touch\w*|tar på henne|tar på ham|tok på henne|tok på ham|rører henne|rørte henne|rører ved)|"
    r"(?:forced|forces|forcing) (?:me|her|him) to have sex|raped (?:me|her|him)|"
    r"(?:voldtok|tvang) (?:meg|henne|ham|han) (?:til sex|til å ha sex)?|"
    r"(?:misbruker|forgriper seg på|voldtar) (?:meg|henne|ham|han|lillesøst\w*|lillebro\w*|barnet|dattera|datteren)|"
    r"(?:vil|skal|wants? to) (?:møte|treffe|hente|meet|pick up) (?:meg|henne|ham|dattera|datteren|sønnen|me|her|him)\b"
    r".{0,60}?(?:alene|åleine|aleine|alone|hemmelig\w*|secret)|"
    r"(?:hemmelighet|hemmelegheit|secret)\b.{0,40}?(?:ikke|ikkje|not|never) (?:si|fortelle|tell)|"
    r"(?:ikke|ikkje) (?:må|skal|får) (?:si|fortelle) (?:det )?til (?:mamma|pappa|oss|noen|nokon)|"
    r"(?:nakenbilde\w*|nakenbilete\w*|nudes?|naked (?:pics|pictures|photos)|pics|bilder av meg)\b.{0,60}?"
    r"(?:deler|dele|legger ut|post|share|send|spreads?|viser)|"
    r"(?:asks?|asking|vil ha|ber om|mas(?:er)? om)\b.{0,20}?(?:nakenbilde\w*|nakenbilete\w*|nudes|pics)|"
    # forced marriage and honour-related control
    r"gift(?:e)? (?:meg|henne|ham|oss) bort|bli gift bort|tvangsgift\w*|"
    r"(?:forcing|force|forced|tvinge\w*|tvinger) (?:me|her|him|meg|henne|ham)?\s*(?:to )?(?:marry|gifte)|"
    r"(?:vil|skal) at (?:jeg|eg) skal gifte meg|"
    # a carer who cannot care, children alone
    r"(?:så full|for full|dritings|drunk|high|ruset|rusa|påvirket)\b.{0,60}?"
    r"(?:våkner|vaknar|kjøre|drive|alene|åleine|aleine|alone|passed out|står ikke)|"
    r"(?:alene|åleine|aleine|alone) (?:med|with) (?:lillesøst\w*|lillebro\w*|veslebror|veslesyster|"
    r"my little (?:sister|brother)|babyen|småsøsken)|"
    r"har ikke spist på|ikke fått mat|no food|"
    # violence and threats
    r"kvelertak|juling|får bank|(?:hit|hits|beat|beats|beaten|choked|chokes|kicks?) (?:me|her|him|us|my)|"
    r"(?:skal|vil|will|gonna|going to) (?:skade|drepe|slå|hurt|kill|beat) (?:meg|deg|oss|me|us|henne|her)|"
    r"(?:har|has|med|with a|a) (?:kniv|knife|gun|pistol|våpen)|"
    r"(?:redd|scared|afraid|terrified) (?:for å gå hjem|to go home|of (?:my|him|her))"
    r")",
    re.I,
)
# Broad danger vocabulary by kind: fires with a personal frame (one's own life, family, friend, pupil,
# neighbour) outside a policy frame. Stems, so that inflections, nynorsk and typos still match.
_HARM_WORDS = re.compile(
    r"\b(?:"
    r"kutt\w*|kutta|skjær\w* meg|skore meg|skar meg|riss\w* meg|risp\w* meg|cutting|cut myself|"
    r"avskjed\w*|goodbye letter|ingen vits|no point|orker ikke mer(?! av\b)|orkar ikkje(?! meir av\b)|"
    r"can'?t (?:take|do) (?:it|this) any ?more|"
    r"(?:ikke|ikkje) (?:være|vere) her (?:lenger|meir|mer)|(?:be|stay) here any ?more|aldri våkne|aldri vakne|"
    r"sove for alltid|"
    r"blødning\w*|blør|bleeding|kaster opp|kastar opp|vomit\w*|helt borte|"
    r"(?:drukket|drakk|drukke|spist|spiste|et|åt|drank|ate|svelget|svelgt|swallowed)\b.{0,40}?"
    r"(?:farlig|gift\w*|olje\w*|lampeolje|plante\w*|paracet\w*|pakke|medisin\w*|tablett\w*|piller|"
    r"vaskemiddel|klor|bleach|poison\w*|dangerous|pills|medicine)|"
    r"(?:tatt|took|taken) (?:en hel pakke|a whole (?:pack|box)|mange piller|lots of pills)|"
    r"(?:alene|åleine|aleine|alone)\b.{0,30}?(?:i flere dager|i (?:to|tre|fire|\d+) dager|for days|hjemme|at home)|"
    r"(?:ikke|ikkje) (?:vært|vore|fått) mat|ingen mat|no food|"
    r"ruser seg|rusar seg|tar dop|on drugs|drikker hver dag|drikk kvar dag|drinks every day|"
    r"slag hjemme|får slag|får bank|dytt\w* meg|dytta meg|pushed me|shoved me|"
    r"skriking|skrik\w*|screaming|roper om hjelp|crying for help|screams? for help|"
    r"(?:skal|vil|will|gonna|going to) (?:banke|juge|beat up|jump)|"
    r"legger ut (?:bildene|bilder)|(?:post|share|leak)s? my (?:pics|pictures|photos|nudes)|"
    r"(?:hvis|viss|if) (?:jeg|eg|i) (?:ikke|ikkje|don'?t) (?:betaler|sender|pay|send)|"
    r"(?:threatened|threatens|truet|trua|truer)\b|"
    r"(?:brought|bringing) shame|skam over familien|æra til familien|"
    r"(?:send|sende|ta|tek|tar) (?:meg|me) (?:med )?(?:til|abroad|to) (?:utlandet|hjemlandet|heimlandet|abroad)|"
    r"(?:bli|bli værende|vere) (?:der|i hjemlandet).{0,30}gifte|gifte meg|get married|arranged marriage"
    r")",
    re.I,
)
_PERSONAL_FRAME = re.compile(
    r"\b(?:jeg|eg|meg|min|mitt|mine|vi|oss|vår|vårt|våre|i|i'm|im|me|my|we|us|our|"
    r"mamma|pappa|mor|far|mum|mom|dad|stefar|stemor|foreldrene|barnet|barna|babyen|baby|jenta|gutten|"
    r"toåringen|treåringen|ettåringen|venninna|venninnen|vennen|kompisen|naboen|naboungen|neighbou?r|"
    r"eleven|pupil|friend|sister|brother|søster|bror|kid|child)\b",
    re.I,
)
# Figures of speech with danger words: «fristen tar livet av meg», «drept av kjedsomhet», «dør av latter».
_FIGURATIVE = re.compile(
    r"\b(?:(?:fristen|frist|den|det|jobben|skolen|lekser\w*|køen|ventetid\w*|this|that|it|work|homework)\s+"
    r"(?:tar livet av meg|dreper meg|is killing me|kills me)|(?:drept|død|dør|dead|dying)\s+(?:av|of)\s+"
    r"(?:kjedsomhet|latter|boredom|laughter|embarrassment)|killing time|kill time)\b",
    re.I,
)
# A past experience asked about now («som barn for mange år siden») is not a danger now.
_LONG_AGO = re.compile(r"\b(?:for (?:mange|\d+) år siden|years ago|som barn for|as a child)\b", re.I)
_DANGER = re.compile(
    r"\b(?:"
    r"vold(?!som)\w*|mishandl\w*|"
    r"(?:slår|slo|slått|banker|banket)(?! (?:sammen|opp|av|på|fast|til|ut|inn|over|ned)\b| (?:meg|oss|deg) at\b|"
    r" (?:eg|jeg|du|vi) opp\b)|"
    r"overgrep\w*|seksuel\w* misbruk\w*|misbrukt\w*|voldt\w*|"
    r"selvmord\w*|selvskad\w*|suicid\w*|(?:ta|tar|tok) livet (?:av seg|sitt)|trua|truet|truer|trusl\w*|drep\w*|drept|"
    r"akutt|i fare(?! for å\b)|kastet ut|rømt hjemmefra|forsvunnet|overdose\w*|omsorgssvikt\w*|"
    r"incest|grooming|tvangsekteskap\w*|kjønnslemlest\w*|æresrelatert\w*"
    r")\b",
    re.I,
)
_STRONG_CUE = re.compile(
    r"\b(?:"
    r"akkurat nå|nå med en gang|her nå|hjemme nå|i kveld|i natt|"
    r"barnet mitt|barna mine|mitt barn|min sønn|min datter|sønnen min|datteren min|"
    r"mamma|pappa|stefar|stemor|kjæresten min|mannen min|kona mi|kona min|eksen min|"
    r"vennen min|venninnen min|eleven min|naboen|broren min|søsteren min|"
    r"min venn|min venninne|min kjæreste|min mor|min far|min bror|min søster|"
    r"redd|livredd|tør ikke|turte ikke|hjelp meg|hva skal jeg gjøre|hva gjør jeg|"
    r"hvem kan jeg ringe|hvor kan jeg få hjelp"
    r")\b",
    re.I,
)
_STRONG_NOW = re.compile(r"\b(?:nå|no|now|i dag|i kveld|i natt|tonight|today)\b", re.I)
# Frames of a question about a topic rather than a situation (compounds such as
# "selvmordsforebygging" count, hence no leading word boundary on forebygg/strategi).
_POLICY = re.compile(
    r"(?:\w*forebygg\w*|\bstatistikk\w*|\bhvor mange\b|\bandel(?:en)?\b|\bomfang\w*|\btiltak\w*|"
    r"\barbeid(?:et)? mot\b|\bkunnskapsgrunnlag\w*|\w*strategi\w*|\b(?:handlings)?plan(?:en|er|ene)?\b|"
    r"\bverksted\w*|\bpolitikk\w*|\bpolitisk\w*|\brutine\w*|\bveileder\w*|\bhva sier\b|\bhva er\b|"
    r"\bhva betyr\b|\bdefinisjon\w*|\bnære relasjoner\b|\bmeldeplikt\w*|\bopplysningsplikt\w*|"
    r"\bavvergeplikt\w*|\bsom (?:lærer|helsesykepleier|ansatt|saksbehandler|barnehagelærer|fagperson)\b|"
    r"\bhvordan jobber\b|\bhvilke tall\b|\bsammendrag\w*|\boppsummer\w*|\brapport\w*|\bhva gjør kommunen\b|"
    r"\bkommunen\w* (?:mot|med)\b|\butfordring\w*|\bwhat does\b|\bknowledge base\b|\bprevention\b|\bstatistic\w*|"
    r"\bhow many\b|\bpolicy\b|\bmeasures?\b|\bkva seier\b|\bkor mange\b|\bførebygg\w*|"
    # a professional's question about the work (training, preparedness, cases, suspicion as a procedure)
    r"\bopplæring\w*|\bberedskap\w*|\bi saker om\b|\bved mistanke\b|\bansatte\b|\bkompetanse\w*|"
    r"\binvolvert i\b|\btraining\b|\bprocedures?\b|\bemployees\b|\bstaff\b|"
    # teaching about the topic, discussing a case
    r"\bundervisning\w*|\bdrøft\w*|\bteaching\b)",
    re.I,
)


def detect_acute_danger(question: str) -> bool:
    """True when the question signals that someone may be in danger now (see the module docstring)."""
    text = " ".join(question.split())
    if _LONG_AGO.search(text) and not _STRONG_NOW.search(text):
        return False
    if _FIGURATIVE.search(text):
        return False
    if _ALWAYS.search(text) or _ACUTE.search(text):
        return True
    if _HARM_WORDS.search(text) and _PERSONAL_FRAME.search(text) and not _POLICY.search(text):
        return True
    if not _DANGER.search(text):
        return False
    if _STRONG_CUE.search(text):
        return True
    return not _POLICY.search(text)


def safety_notice(prompts: PromptSet) -> str:
    """The fixed notice (from prompts/safety_notice.md) shown before any answer on acute danger."""
    return prompts.safety_notice
