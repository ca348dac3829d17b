"""Plain narrative sentences in all 23 languages, written for this project.

The quality tests speak them with espeak-ng and require that none is flagged; the
speaking-rate benchmark adds them to the evaluation data for languages it has little of.
They are ordinary book prose on purpose: short and long, with commas, a question, a
number, so the duration and silence checks see what a chapter holds.
"""

from __future__ import annotations

SENTENCES: dict[str, tuple[str, ...]] = {
    "ar": (
        "كان الصباح باردا، وكانت الشوارع خالية تماما.",
        "فتح الرجل العجوز الباب ببطء ونظر إلى السماء.",
        "هل تعرف الطريق إلى المحطة القديمة؟",
        "قرأت الفتاة الرسالة مرتين، ثم وضعتها في جيبها وابتسمت.",
        "في تلك القرية الصغيرة كان الناس يعرفون بعضهم جيدا.",
        "سافرنا طوال الليل حتى وصلنا إلى البحر عند الفجر.",
    ),
    "da": (
        "Morgenen var kold, og gaderne var helt tomme.",
        "Den gamle mand åbnede døren langsomt og så op mod himlen.",
        "Ved du, hvor den gamle station ligger?",
        "Pigen læste brevet to gange, lagde det i lommen og smilede.",
        "I den lille landsby kendte alle hinanden godt.",
        "Vi rejste hele natten, indtil vi nåede havet ved daggry.",
    ),
    "de": (
        "Der Morgen war kalt, und die Straßen waren völlig leer.",
        "Der alte Mann öffnete langsam die Tür und blickte zum Himmel.",
        "Weißt du, wo der alte Bahnhof liegt?",
        "Das Mädchen las den Brief zweimal, steckte ihn ein und lächelte.",
        "In dem kleinen Dorf kannten sich alle Leute gut.",
        "Wir fuhren die ganze Nacht, bis wir im Morgengrauen das Meer erreichten.",
    ),
    "el": (
        "Το πρωί ήταν κρύο, και οι δρόμοι ήταν εντελώς άδειοι.",
        "Ο γέρος άνοιξε αργά την πόρτα και κοίταξε τον ουρανό.",
        "Ξέρεις πού είναι ο παλιός σταθμός;",
        "Το κορίτσι διάβασε το γράμμα δύο φορές, το έβαλε στην τσέπη και χαμογέλασε.",
        "Σε εκείνο το μικρό χωριό όλοι γνώριζαν καλά ο ένας τον άλλον.",
        "Ταξιδέψαμε όλη τη νύχτα, ώσπου φτάσαμε στη θάλασσα την αυγή.",
    ),
    "en": (
        "The morning was cold, and the streets were completely empty.",
        "The old man opened the door slowly and looked up at the sky.",
        "Do you know where the old station is?",
        "The girl read the letter twice, put it in her pocket and smiled.",
        "In that small village everyone knew each other well.",
        "We travelled all night until we reached the sea at dawn.",
    ),
    "es": (
        "La mañana era fría, y las calles estaban completamente vacías.",
        "El anciano abrió la puerta despacio y miró al cielo.",
        "¿Sabes dónde está la vieja estación?",
        "La muchacha leyó la carta dos veces, la guardó en el bolsillo y sonrió.",
        "En aquel pequeño pueblo todos se conocían bien.",
        "Viajamos toda la noche hasta que llegamos al mar al amanecer.",
    ),
    "fi": (
        "Aamu oli kylmä, ja kadut olivat aivan tyhjiä.",
        "Vanha mies avasi oven hitaasti ja katsoi taivaalle.",
        "Tiedätkö, missä vanha asema on?",
        "Tyttö luki kirjeen kahdesti, pani sen taskuunsa ja hymyili.",
        "Siinä pienessä kylässä kaikki tunsivat toisensa hyvin.",
        "Matkustimme koko yön, kunnes saavuimme meren rannalle aamunkoitteessa.",
    ),
    "fr": (
        "Le matin était froid, et les rues étaient complètement vides.",
        "Le vieil homme ouvrit lentement la porte et regarda le ciel.",
        "Sais-tu où se trouve la vieille gare ?",
        "La jeune fille lut la lettre deux fois, la mit dans sa poche et sourit.",
        "Dans ce petit village, tout le monde se connaissait bien.",
        "Nous avons voyagé toute la nuit jusqu'à la mer, à l'aube.",
    ),
    "he": (
        "הבוקר היה קר, והרחובות היו ריקים לגמרי.",
        "האיש הזקן פתח את הדלת לאט והביט אל השמיים.",
        "אתה יודע איפה נמצאת התחנה הישנה?",
        "הנערה קראה את המכתב פעמיים, שמה אותו בכיס וחייכה.",
        "בכפר הקטן ההוא כולם הכירו זה את זה היטב.",
        "נסענו כל הלילה עד שהגענו אל הים עם שחר.",
    ),
    "hi": (
        "सुबह ठंडी थी, और सड़कें बिलकुल खाली थीं।",
        "बूढ़े आदमी ने धीरे से दरवाज़ा खोला और आसमान की ओर देखा।",
        "क्या तुम्हें पुराने स्टेशन का रास्ता पता है?",
        "लड़की ने चिट्ठी दो बार पढ़ी, उसे जेब में रखा और मुस्कुराई।",
        "उस छोटे से गाँव में सब एक दूसरे को अच्छी तरह जानते थे।",
        "हम पूरी रात चलते रहे, और सुबह होते होते समुद्र तक पहुँच गए।",
    ),
    "it": (
        "La mattina era fredda, e le strade erano completamente vuote.",
        "Il vecchio aprì lentamente la porta e guardò il cielo.",
        "Sai dove si trova la vecchia stazione?",
        "La ragazza lesse la lettera due volte, la mise in tasca e sorrise.",
        "In quel piccolo paese tutti si conoscevano bene.",
        "Viaggiammo tutta la notte finché arrivammo al mare all'alba.",
    ),
    "ja": (
        "朝は寒く、通りには誰もいなかった。",
        "老人はゆっくりとドアを開けて、空を見上げた。",
        "古い駅がどこにあるか知っていますか？",
        "少女は手紙を二度読み、ポケットに入れて微笑んだ。",
        "その小さな村では、みんながお互いをよく知っていた。",
        "私たちは一晩中旅をして、夜明けに海に着いた。",
    ),
    "ko": (
        "아침은 추웠고, 거리는 완전히 비어 있었다.",
        "노인은 천천히 문을 열고 하늘을 올려다보았다.",
        "오래된 역이 어디에 있는지 아세요?",
        "소녀는 편지를 두 번 읽고, 주머니에 넣은 뒤 미소를 지었다.",
        "그 작은 마을에서는 모두가 서로를 잘 알고 있었다.",
        "우리는 밤새 여행해서 새벽에 바다에 도착했다.",
    ),
    "ms": (
        "Pagi itu sejuk, dan jalan-jalan kosong sama sekali.",
        "Lelaki tua itu membuka pintu perlahan-lahan dan memandang ke langit.",
        "Adakah awak tahu di mana stesen lama itu?",
        "Gadis itu membaca surat itu dua kali, memasukkannya ke dalam poket dan tersenyum.",
        "Di kampung kecil itu semua orang saling mengenali dengan baik.",
        "Kami mengembara sepanjang malam sehingga sampai ke laut pada waktu subuh.",
    ),
    "nl": (
        "De ochtend was koud, en de straten waren helemaal leeg.",
        "De oude man opende langzaam de deur en keek naar de hemel.",
        "Weet je waar het oude station is?",
        "Het meisje las de brief twee keer, stak hem in haar zak en glimlachte.",
        "In dat kleine dorp kende iedereen elkaar goed.",
        "We reisden de hele nacht, tot we bij zonsopgang de zee bereikten.",
    ),
    "no": (
        "Morgenen var kald, og gatene var helt tomme.",
        "Den gamle mannen åpnet døren langsomt og så opp mot himmelen.",
        "Vet du hvor den gamle stasjonen ligger?",
        "Jenta leste brevet to ganger, la det i lomma og smilte.",
        "I den lille bygda kjente alle hverandre godt.",
        "Vi reiste hele natten, til vi nådde havet ved daggry.",
    ),
    "pl": (
        "Poranek był zimny, a ulice były zupełnie puste.",
        "Stary człowiek powoli otworzył drzwi i spojrzał w niebo.",
        "Czy wiesz, gdzie jest stary dworzec?",
        "Dziewczyna przeczytała list dwa razy, schowała go do kieszeni i uśmiechnęła się.",
        "W tej małej wsi wszyscy dobrze się znali.",
        "Jechaliśmy całą noc, aż o świcie dotarliśmy do morza.",
    ),
    "pt": (
        "A manhã estava fria, e as ruas estavam completamente vazias.",
        "O velho abriu a porta devagar e olhou para o céu.",
        "Sabes onde fica a velha estação?",
        "A rapariga leu a carta duas vezes, guardou-a no bolso e sorriu.",
        "Naquela pequena aldeia todos se conheciam bem.",
        "Viajámos a noite toda até chegarmos ao mar ao amanhecer.",
    ),
    "ru": (
        "Утро было холодным, и улицы были совсем пусты.",
        "Старик медленно открыл дверь и посмотрел на небо.",
        "Ты знаешь, где находится старый вокзал?",
        "Девушка дважды прочитала письмо, положила его в карман и улыбнулась.",
        "В этой маленькой деревне все хорошо знали друг друга.",
        "Мы ехали всю ночь, пока на рассвете не добрались до моря.",
    ),
    "sv": (
        "Morgonen var kall, och gatorna var helt tomma.",
        "Den gamle mannen öppnade dörren långsamt och tittade upp mot himlen.",
        "Vet du var den gamla stationen ligger?",
        "Flickan läste brevet två gånger, stoppade det i fickan och log.",
        "I den lilla byn kände alla varandra väl.",
        "Vi reste hela natten, tills vi nådde havet i gryningen.",
    ),
    "sw": (
        "Asubuhi ilikuwa baridi, na barabara zilikuwa tupu kabisa.",
        "Mzee alifungua mlango polepole na kutazama angani.",
        "Unajua kituo cha zamani kiko wapi?",
        "Msichana alisoma barua mara mbili, akaiweka mfukoni na akatabasamu.",
        "Katika kijiji kile kidogo kila mtu alimjua mwenzake vizuri.",
        "Tulisafiri usiku kucha mpaka tukafika baharini alfajiri.",
    ),
    "tr": (
        "Sabah soğuktu ve sokaklar tamamen boştu.",
        "Yaşlı adam kapıyı yavaşça açtı ve gökyüzüne baktı.",
        "Eski istasyonun nerede olduğunu biliyor musun?",
        "Kız mektubu iki kez okudu, cebine koydu ve gülümsedi.",
        "O küçük köyde herkes birbirini iyi tanırdı.",
        "Bütün gece yolculuk ettik ve şafakta denize vardık.",
    ),
    "zh": (
        "早晨很冷，街上空无一人。",
        "老人慢慢地打开门，抬头望着天空。",
        "你知道老车站在哪里吗？",
        "女孩把信读了两遍，放进口袋里，笑了。",
        "在那个小村子里，大家都很熟悉。",
        "我们走了一整夜，黎明时分到了海边。",
    ),
}


def paragraph(lang: str) -> str:
    """All of ``lang``'s sentences as one paragraph (a full-length chunk)."""
    joiner = "" if lang in ("ja", "zh") else " "
    return joiner.join(SENTENCES[lang])
