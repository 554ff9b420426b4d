"""Japanese and English language data for the rule checks, kept apart from check logic.

After translate-toolkit's `lang/` modules: a check asks "what closes 「?" or "is `never` a
negation cue?" here instead of hard-coding characters in an `if`.
"""

from __future__ import annotations

# ------------------------------------------------------------------ numbers: Japanese side

# Full-width ASCII forms that only change width; mapped 1:1 so character offsets survive.
FULLWIDTH_TO_ASCII = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "，": ",", "％": "%", "－": "-"}
)

KANJI_DIGITS: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
KANJI_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
KANJI_BIG_UNITS: dict[str, int] = {"万": 10**4, "億": 10**8, "兆": 10**12}

# Era name -> the Western year of its year 0 (令和1年 = 2019).
ERAS: dict[str, int] = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}

# Words next to a numeral that make it vague ("数十人" = "dozens"), so no exact match is owed.
VAGUE_BEFORE = ("数", "何", "幾", "十数")
VAGUE_AFTER = ("数", "余", "以上", "未満", "強", "弱")

# ------------------------------------------------------------------ numbers: English side

EN_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
EN_ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fifteenth": 15, "twentieth": 20, "thirtieth": 30, "hundredth": 100,
}  # fmt: skip
# Words that say a number without a numeral ("twice" for 2倍, "a dozen" for 12).
EN_NUMBER_LIKE: dict[str, float] = {
    "once": 1, "twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3,
    "quadruple": 4, "both": 2, "pair": 2, "couple": 2, "dozen": 12, "dozens": 12,
    "half": 0.5, "quarter": 0.25, "noon": 12, "midnight": 0, "none": 0, "nothing": 0,
    "no": 0, "score": 20, "decade": 10, "century": 100, "weekly": 7, "fortnight": 14,
}  # fmt: skip
EN_SCALES: dict[str, int] = {
    "hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
    "k": 10**3, "m": 10**6, "mn": 10**6, "bn": 10**9, "b": 10**9, "tn": 10**12,
}  # fmt: skip
EN_MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

# Weekdays: the kanji of 月曜日 … 日曜日 and of "10日(金)", and the English for each: its
# name (any case, "Sundays" too) and abbreviations (as written, or in any case in brackets:
# "(sun)"). "weekend" covers Saturday and Sunday, "weekday(s)" Monday to Friday.
JA_WEEKDAYS = "月火水木金土日"
EN_WEEKDAYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Monday", ("Mon",)), ("Tuesday", ("Tue", "Tues")), ("Wednesday", ("Wed",)),
    ("Thursday", ("Thu", "Thur", "Thurs")), ("Friday", ("Fri",)), ("Saturday", ("Sat",)),
    ("Sunday", ("Sun",)),
)  # fmt: skip

# Days, weeks, months and years counted from now: (Japanese words, English pattern) for the
# one before, this one and the one after. A translation that says only another of the three
# ("yesterday" for 明日) has turned the date around.
RELATIVE_DATES: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "day": (
        (("昨日", "きのう", "前日"), r"\byesterday\b|\bday before\b|\bprevious day\b"),
        (("今日", "きょう", "本日"), r"\btoday\b|\btonight\b"),
        (("明日", "あした", "あす", "翌日"), r"\btomorrow\b|\bnext day\b|\bfollowing day\b"),
    ),
    "week": (
        (("先週", "前週"), r"\blast week\b|\bprevious week\b|\bweek before\b"),
        (("今週",), r"\bthis week\b"),
        (("来週", "翌週"), r"\bnext week\b|\bfollowing week\b|\bcoming week\b"),
    ),
    "month": (
        (("先月", "前月"), r"\blast month\b|\bprevious month\b|\bmonth before\b"),
        (("今月",), r"\bthis month\b"),
        (("来月", "翌月"), r"\bnext month\b|\bfollowing month\b|\bcoming month\b"),
    ),
    "year": (
        (("昨年", "去年", "前年"), r"\blast year\b|\bprevious year\b|\byear before\b"),
        (("今年", "本年"), r"\bthis year\b"),
        (("来年", "翌年"), r"\bnext year\b|\bfollowing year\b|\bcoming year\b"),
    ),
}

# ------------------------------------------------------------------ gendered words

# (Japanese tokens, their English words, the other gender's English words): a source that
# names only one side while the target names only the other has swapped them.
GENDER_PAIRS: tuple[tuple[frozenset[str], frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(ja.split()), frozenset(en.split()), frozenset(other.split()))
    for ja, en, other in (
        ("彼女", "she her hers herself", "he him his himself"),
        ("彼", "he him his himself", "she her hers herself"),
        ("母 母親 お母さん ママ", "mother mothers mom moms mum", "father fathers dad dads"),
        ("父 父親 お父さん パパ", "father fathers dad dads", "mother mothers mom moms mum"),
        ("娘", "daughter daughters", "son sons"),
        ("息子", "son sons", "daughter daughters"),
        ("妻 嫁 奥さん 女房", "wife wives", "husband husbands"),
        ("夫 旦那", "husband husbands", "wife wives"),
        ("姉 妹 姉妹", "sister sisters", "brother brothers"),
        ("兄 弟 兄弟", "brother brothers", "sister sisters"),
        ("女性 女の人 女 レディース", "woman women female females lady ladies", "man men male"),
        ("男性 男の人 男 メンズ", "man men male males", "woman women female females"),
        ("少女 女の子", "girl girls", "boy boys"),
        ("少年 男の子", "boy boys", "girl girls"),
        ("祖母 おばあちゃん おばあさん", "grandmother grandmothers grandma", "grandfather grandpa"),
        ("祖父 おじいちゃん おじいさん", "grandfather grandfathers grandpa", "grandmother grandma"),
        ("女王", "queen queens", "king kings"),
        ("王 国王", "king kings", "queen queens"),
    )
)

# ------------------------------------------------------------------ units of quantities

# Each unit's kind: a target that keeps a number but names another unit of the same kind
# ("3日" -> "3 weeks") is a mistranslation; one of another kind is some other quantity.
UNIT_KIND: dict[str, str] = {
    **dict.fromkeys(("second", "minute", "hour", "day", "week", "month", "year"), "time"),
    **dict.fromkeys(("decade", "century"), "time"),
    **dict.fromkeys(("yen", "dollar", "euro", "yuan", "won"), "money"),
    **dict.fromkeys(("mm", "cm", "m", "km", "mile"), "length"),
    **dict.fromkeys(("g", "kg", "ton"), "mass"),
    **dict.fromkeys(("am", "pm"), "clock"),
}
# A counter after a Japanese numeral -> the units an English rendering may name. Longest
# first where one starts another (時間 before 時, which is a time of day with no unit).
JA_COUNTERS: dict[str, frozenset[str]] = {
    k: frozenset(v.split())
    for k, v in {
        "秒": "second", "分間": "minute", "分": "minute", "時間": "hour",
        "日間": "day", "日": "day", "週間": "week", "週": "week",
        "か月": "month", "ヶ月": "month", "カ月": "month", "ケ月": "month", "ヵ月": "month",
        "箇月": "month", "年間": "year", "年": "year", "歳": "year",
        "世紀": "century", "円": "yen", "ドル": "dollar", "ユーロ": "euro", "元": "yuan",
        "ウォン": "won", "キロメートル": "km", "キログラム": "kg", "キロ": "km kg",
        "km": "km", "kg": "kg", "メートル": "m", "m": "m", "センチ": "cm", "cm": "cm", "ミリ": "mm",
        "mm": "mm", "マイル": "mile", "グラム": "g", "トン": "ton",
    }.items()
}  # fmt: skip
JA_CLOCK: dict[str, str] = {"午前": "am", "午後": "pm", "AM": "am", "PM": "pm"}  # before N時, N:MM
# An English unit word after a number (also "3-day") -> its unit.
EN_UNIT_WORDS: dict[str, str] = {
    **dict.fromkeys(("second", "seconds", "sec", "secs"), "second"),
    **dict.fromkeys(("minute", "minutes", "min", "mins"), "minute"),
    **dict.fromkeys(("hour", "hours", "hr", "hrs"), "hour"),
    **dict.fromkeys(("day", "days"), "day"),
    **dict.fromkeys(("week", "weeks"), "week"),
    **dict.fromkeys(("month", "months"), "month"),
    **dict.fromkeys(("year", "years", "yr", "yrs"), "year"),
    **dict.fromkeys(("decade", "decades"), "decade"),
    **dict.fromkeys(("century", "centuries"), "century"),
    **dict.fromkeys(("yen",), "yen"),
    **dict.fromkeys(("dollar", "dollars", "usd"), "dollar"),
    **dict.fromkeys(("euro", "euros", "eur"), "euro"),
    **dict.fromkeys(("yuan", "rmb", "renminbi"), "yuan"),
    **dict.fromkeys(("won",), "won"),
    **dict.fromkeys(("km", "kilometer", "kilometers", "kilometre", "kilometres"), "km"),
    **dict.fromkeys(("m", "meter", "meters", "metre", "metres"), "m"),
    **dict.fromkeys(("cm", "centimeter", "centimeters", "centimetre", "centimetres"), "cm"),
    **dict.fromkeys(("mm", "millimeter", "millimeters", "millimetre", "millimetres"), "mm"),
    **dict.fromkeys(("mile", "miles"), "mile"),
    **dict.fromkeys(("kg", "kilogram", "kilograms", "kilo", "kilos"), "kg"),
    **dict.fromkeys(("g", "gram", "grams"), "g"),
    **dict.fromkeys(("ton", "tons", "tonne", "tonnes"), "ton"),
    **dict.fromkeys(("a.m.", "am"), "am"),
    **dict.fromkeys(("p.m.", "pm"), "pm"),
}
# A currency sign before an English number -> its unit (£ is left out: pounds weigh too).
EN_CURRENCY_SIGNS: dict[str, str] = {"¥": "yen", "￥": "yen", "$": "dollar", "€": "euro"}
# Before a number in Japanese text also a backslash, the yen sign of Japanese encodings.
JA_CURRENCY_SIGNS: dict[str, str] = {**EN_CURRENCY_SIGNS, "\\": "yen"}

# ------------------------------------------------------------------ quotes and brackets

JA_QUOTES: dict[str, str] = {"「": "」", "『": "』"}
JA_BRACKETS: dict[str, str] = {
    "（": "）", "(": ")", "【": "】", "［": "］", "〔": "〕", "〈": "〉", "《": "》", "｛": "｝",
}  # fmt: skip
EN_BRACKETS: dict[str, str] = {"(": ")", "[": "]", "{": "}"}
EN_CURLY_QUOTES: dict[str, str] = {"“": "”"}
# Characters that show an English target quotes something.
EN_QUOTE_CHARS = "\"“”‘’«»'"

# ------------------------------------------------------------------ punctuation

# Japanese punctuation that has no place in English text (outside Japanese passages).
# Decorative brackets (【公式】, 《…》) are left out: English e-commerce copy keeps them.
JA_PUNCTUATION = "。、「」『』"
# Sentence-final marks: Japanese/ASCII form -> what it says.
FINAL_PUNCT: dict[str, str] = {
    "。": "stop", ".": "stop", "．": "stop", "？": "question", "?": "question",
    "！": "exclaim", "!": "exclaim",
}  # fmt: skip

# A question asked with the particle か and no question mark: "気にしますか", "ありませんか。".
# Not のか (often realising: "台に乗ってるのか" = "ah, they're on it") nor a rhetorical
# "ではないでしょうか" / "じゃないですか" (= "surely …", rendered as statements).
JA_QUESTION_ENDINGS = ("ですか", "ますか", "ませんか", "ましたか", "でしたか", "でしょうか",
                       "のですか", "んですか", "だろうか", "ましょうか")  # fmt: skip
JA_RHETORICAL_BEFORE = ("ではない", "じゃない", "のではない", "んじゃない")
# A target that says it wonders renders a でしょうか question faithfully ("I wonder why.").
EN_WONDERING = ("wonder",)

# ------------------------------------------------------------------ doubled words

# Word pairs that are grammatical when doubled ("I had had enough", "bye bye").
EN_OK_DOUBLES = frozenset(
    {"had", "that", "bye", "no", "yes", "ha", "haha", "very", "so", "really", "well",
     "is", "knock", "tut", "blah", "hip", "la", "go", "oh", "ah", "wow", "now", "many", "far"}
)  # fmt: skip

# ------------------------------------------------------------------ negation

# Lemmas of unidic auxiliaries/adjectives that negate the predicate (ない, ぬ/ず/ん, 無い).
JA_NEGATION_LEMMAS = frozenset({"ない", "ぬ", "ず", "無い", "まい"})
# Constructions with a negative form whose English has no negation: "must" (なければならない),
# "may" (かもしれない), "only" (しか…ない), "must be" (に違いない), "merely" (に過ぎない),
# "remember to" (忘れずに "not forgetting"), "certainly" (間違いなく).
JA_NOT_NEGATION_PATTERNS = (
    r"な(?:けれ|きゃ|くちゃ|くて|いと)(?:ば)?(?:は)?(?:なら|いけ|だめ|ダメ|駄目)",
    r"ざるを得",
    r"かも(?:しれ|知れ)",
    r"に(?:違い|ちがい|過ぎ|すぎ)(?:ない|ありません|ません)",
    r"しか[^。、！？]*?(?:ない|無い|なかっ|無かっ|ません|ず|ん)",
    r"忘れ(?:ず|ない|ません)|間違いなく",
    r"ないか(?:[、。？?！!]|$)",  # 共通点はないか、話し合う "to see if they had anything in common"
    r"ないでしょうか|ませんか|じゃない[？?]|じゃないですか|ではないでしょうか",
    r"しょうが(?:ない|ありません)|仕方(?:が)?(?:ない|ありません)|たまら(?:ない|ん)",
    r"かね(?:ない|ません)|間違いない|限らず|問わず|関わらず|かかわらず|拘らず",
    r"ざるを",
    r"す(?:い|み)ません",
    r"(?:では|じゃ|んじゃ)ない(?:か|でしょうか|ですか)",
    r"な(?:きゃ|くちゃ)",  # 帰らなきゃ "gotta go home" (the must of なければならない, cut short)
    r"欠かせ(?:ない|ません)",  # "indispensable", "essential"
    r"見逃せ(?:ない|ません)|つまら(?:ない|なかっ|ん)|無理なく",  # "must-see", "boring", "easily"
    r"変わ(?:らない|りません|らず)",  # "the same", "still", "as ever"
    r"(?:なんと|何と)なく|(?:もれ|漏れ)なく|余す(?:ところ|所)なく",  # "somehow", "all", "fully"
    r"ないか(?:な|しら|どうか)|ないものでしょうか",  # "I wonder if there's …", "whether"
)
# Words that carry a negation or an absence without an auxiliary ない, so an English "not"/"no"
# may be faithful (未定 "not decided", 禁止 "not allowed", 以外 "other than", まだ "not yet").
# Entries with a kanji are morphemes: they count where a word starts with them (禁止, 不要,
# 失う; the prefix 不 of 不安定), not inside another word (間違い "mistake", 県外 "outside the
# prefecture", 極限 "the limit"); see `negation.source_negative_words`. Not here: より ("than",
# "from"), as a comparison or a starting point is not rendered with a negation, and だけ
# ("only", "just"), whose English is "only"/"just"/"alone", words that do not count as an
# explicit negation. The written のみ stays: 〜のみならず, "nothing but …" (するのみ).
JA_NEGATIVE_WORDS = (
    "無", "なし", "ナシ", "未", "非", "不", "否", "拒", "禁", "いいえ", "いや", "ダメ", "だめ",
    "駄目", "嫌", "ゼロ", "以外", "除", "避", "防", "止", "失", "欠", "忘", "断", "控え", "少な",
    "ほとんど", "まだ", "のみ", "違", "無理", "限", "足り", "ぬ", "ノー", "NO", "No",
    "ず", "ん", "ねえ", "ねー", "ナイ", "なく", "せん", "消", "抜", "減", "捨", "逃", "外", "別",
    "代わり", "反", "難", "怖", "心配", "ずに", "残念", "0", "やめ", "止め", "見落",
    "な」", "な！", "な!", "どうでも",
    "苦手", "久しぶり",  # "not good at", "haven't … in a long time"
)  # fmt: skip
# Words (unidic lemmas) that start with a negative morpheme of JA_NEGATIVE_WORDS but whose
# meaning has no negation an English "not" could render: 無事 "safe", 非常 "very/emergency",
# 未来 "future", 不安 "anxiety", 消防 "fire service", 反応 "reaction", 避難 "evacuation",
# 無線 "wireless" (an -less word the English side does not count), 不可欠 "essential",
# 限定 "limited, exclusive" (English "only", not a negation)…
# (A prefix 不/未/非/無 on a noun stays negative: 不安定 "not stable", 未読 "not read", 無料
# "no charge", 不足 "not enough" are all commonly translated with not/no.)
JA_NOT_NEGATIVE_WORDS = frozenset(
    {"無事", "非常", "未来", "不安", "不思議", "不動産", "無論", "不意", "失礼", "抜群", "消防",
     "消費", "消化", "消毒", "反応", "反映", "反省", "反面", "防衛", "防災", "断然", "避難",
     "限定", "無線", "不可欠"}
)  # fmt: skip
# Kanji entries restricted further: 外 only as the verbs 外す/外れる ("remove", "miss"), not the
# noun "outside/foreign"; 減 only as 減る/減らす ("fewer"), not 減点 "deduct points"; 別 only
# as the adverb 別に "(not) particularly", not 別の "another" or 別れる "split up". 止 and 抜
# also close a compound noun: 中止 "called off", 停止 "stopped", 税抜き "tax not included".
JA_NEGATIVE_VERB_ONLY = frozenset({"外", "減"})
JA_NEGATIVE_WORD_END = frozenset({"止", "抜"})

# English words that carry a negation (incl. one-word renderings of a negated Japanese
# predicate: 目の見えない "blind", 耳の聞こえない "deaf").
EN_NEGATION_WORDS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor",
     "without", "cannot", "fail", "fails", "failed", "failing", "failure", "lack", "lacks",
     "lacked", "lacking", "refuse", "refuses", "refused", "unable", "hardly",
     "barely", "rarely", "seldom", "absence", "absent", "free", "zero", "deny", "denied",
     "denies", "impossible", "nope", "nah", "instead", "rather", "avoid", "avoided",
     "prevent", "prevented", "prevents", "preventing", "stop", "stopped", "stops", "ban",
     "banned", "bans", "prohibited", "unless", "avoids", "avoiding", "misses",
     "less", "only", "yet", "miss", "missed", "missing", "insufficient", "little", "few",
     "blind", "deaf"}
)  # fmt: skip
# Words of EN_NEGATION_WORDS that only lean negative ("only", "few", "avoid"): a
# translation uses them freely for affirmative sources, so they do not count as a negation
# the source must license.
EN_WEAK_NEGATION = frozenset(
    {"only", "yet", "less", "little", "few", "instead", "rather", "avoid", "avoided", "avoids",
     "avoiding", "stop", "stopped", "stops", "free", "zero", "miss", "missed", "missing",
     "misses", "prevent", "prevented", "prevents", "preventing", "ban", "banned", "bans",
     "prohibited", "unless", "hardly", "barely", "rarely", "seldom"}
)  # fmt: skip
# The strict subset a perturbation or a clear error would add: used for "target negates,
# source does not".
EN_EXPLICIT_NEGATION = frozenset({"not", "never", "no", "nobody", "nothing", "none", "neither"})
# English phrases with a negative word and an affirmative meaning ("no matter", "not only",
# "not to mention" for それに/さらに "what is more").
# "Why don't you …?" suggests (〜たら？, 〜ば？, 〜てみてはどう): no negation to find in the source.
EN_NOT_NEGATION = ("no matter", "not only", "not just", "no doubt", "no wonder", "why not",
                   "why don't", "why don’t", "not to mention")  # fmt: skip
