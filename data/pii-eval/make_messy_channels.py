"""Writes data/pii-eval/messy-channels.jsonl from the hand-written claims below."""

import json


def iban(country: str, bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(digits) % 97
    return f"{country}{check:02d}{bban}"


IB1 = iban("DE", "700202700015432876")
IB2 = iban("AT", "6000000012345698")


def g(value: str) -> str:
    return " ".join(value[k : k + 4] for k in range(0, len(value), 4))


C = [
    (
        "voice",
        "Sprachnachricht: ja grüß Gott hier spricht die [[PERSON:resi huber]] aus Kirchdorf, bei uns hat der Sturm heut Nacht am Stadl das halbe Dach abgedeckt, es regnet rein. Meine Nummer ist [[PHONE_NUMBER:null acht sechs eins fünf, drei drei vier, zwo neun eins]], Versicherungsnummer [[POLICY_NUMBER:ha er vier vier sieben eins zwo zwo null neun]]. Bitte schnell zurückrufen.",
        "sturm_hagel",
        "kritisch",
        "sach_privat",
        "Storm opened the barn roof, rain coming in now.",
    ),
    (
        "voice",
        "Anruf Transkript: Guten Tag, [[PERSON:Wendt]] mein Name, [[PERSON:tobias wendt]], geboren am [[DATE_OF_BIRTH:zwölften März fünfundachtzig]]. Mir ist gestern ein Reh in den Golf gelaufen, Kennzeichen [[LICENSE_PLATE:o a r t drei eins eins]], die Front ist eingedrückt, fahren geht noch. Erreichbar unter [[PHONE_NUMBER:null eins sieben sechs drei acht acht zwo eins neun null vier]].",
        "tierschaden",
        "mittel",
        "kfz",
        "Deer hit the car, still drivable.",
    ),
    (
        "voice",
        "Voicemail: hallo hier ist [[PERSON:Martina Obermaier]], es geht um den Wasserschaden in der Küche, die Spülmaschine ist ausgelaufen, Parkett hat sich gewölbt. Schicken Sie mir bitte das Formular an [[EMAIL_ADDRESS:martina punkt obermaier at web punkt de]], oder rufen Sie an, [[PHONE_NUMBER:null eins fünf eins, doppel-sieben, acht zwo drei vier fünf sechs]]. Danke.",
        "leitungswasser",
        "mittel",
        "sach_privat",
        "Dishwasher leak damaged parquet, nothing urgent.",
    ),
    (
        "voice",
        "Voice message transcript: hi this is [[PERSON:Lukas Thompson]], I'm calling about my bike that was stolen from the garage last night, the lock was cut. You can email me at [[EMAIL_ADDRESS:lukas.thompson at posteo dot de]] or call [[PHONE_NUMBER:oh one seven two, four four eight, nine one six, two two]]. My policy number is [[POLICY_NUMBER:h r eight eight one four two seven]]. Thanks.",
        "einbruch_diebstahl",
        "mittel",
        "sach_privat",
        "Bike stolen from the garage, ordinary theft claim.",
    ),
    (
        "voice",
        "Transkript Sprachnachricht: jo servus, do is da [[PERSON:huber sepp]], bei mia im Keller steht as Wasser nach dem Starkregen, so zehn Zentimeter. Ruafts mi o unter [[PHONE_NUMBER:null acht null acht eins, vier vier drei, sieben sieben zwo]], Vertrag [[POLICY_NUMBER:ha be zwo zwo eins null acht acht drei]].",
        "elementar",
        "hoch",
        "sach_privat",
        "Heavy rain flooded the cellar, needs pumping within days.",
    ),
    (
        "voice",
        "Sprachnachricht: Hallo, [[PERSON:Raabe]] hier, [[PERSON:Hannes Raabe]]. Unser Nachbar hat beim Heckeschneiden mit der Leiter unser Auto zerkratzt, aber das ist seine Haftpflicht, ich wollte nur fragen was ich machen soll. Meine Mail ist [[EMAIL_ADDRESS:h punkt raabe ät t minus online punkt de]]. Das Kennzeichen vom Auto ist [[LICENSE_PLATE:m minus a b eins zwo drei]]. Tschüss.",
        "kollision",
        "niedrig",
        "kfz",
        "Question about scratches on the insured's car caused by a neighbour.",
    ),
    (
        "voice",
        "Anruf, mitgeschrieben: Frau [[PERSON:Yildiz]] meldet Glasbruch, Terrassentür zerbrochen durch Fußball vom Nachbarskind. Rückruf [[PHONE_NUMBER:null sieben elf, drei vier fünf sechs, sieben acht]] ab 17 Uhr. Geburtsdatum [[DATE_OF_BIRTH:dritter Mai neunzehnhundertachtundsiebzig]], Schadennummer [[CLAIM_NUMBER:s n zwei null zwei vier null eins fünf fünf]].",
        "glasbruch",
        "mittel",
        "sach_privat",
        "Patio door glass broken by a ball.",
    ),
    (
        "voice",
        "Voice note: yeah hello, [[PERSON:gemma price]] here, a tree came down on our conservatory in the storm, glass everywhere, nobody hurt. Call me back on [[PHONE_NUMBER:double oh four four, seven seven zero zero, nine double zero one two three]]. Born [[DATE_OF_BIRTH:March twelfth nineteen eighty five]] if you need it.",
        "sturm_hagel",
        "hoch",
        "sach_privat",
        "Storm tree broke the conservatory, needs securing.",
    ),
    (
        "ocr",
        "SCHADENANZEIGE (gescannt)\nVersicherungsnehmer: [[PERSON:K. Ziircher]]\nAnschrift: [[LOCATION:Hohe StraBe 27, 8400 Winterthur]]\nTelefon: [[PHONE_NUMBER:052 214 88 31]]\nPolicen-Nr.: [[POLICY_NUMBER:HR-77 1204 33]]\nSchadenhergang: Beim Gewitter schlug der Blitz in den Kamin, Ziegel auf dem Vordach, Fernseher defekt.\nUnterschrift: [[PERSON:K. Ziircher]]",
        "feuer",
        "hoch",
        "sach_privat",
        "Lightning strike damaged chimney and TV.",
    ),
    (
        "ocr",
        "Schadenmeldung Kfz (Fax, OCR)\nFahrer: [[PERSON:ANDREAS WIMMER]]\nGeb.-Datum: [[DATE_OF_BIRTH:14.O2.1971]]\nKennzeichen: [[LICENSE_PLATE:RO-AW 512]]\nUnfallgegner: [[PERSON:Jiirgen MiilIer]], [[LOCATION:Bahnhofstrafie 3, 83022 Rosenheim]]\nHergang: Auffahrunfall an der Ampel, Heckschaden, Fahrzeug fahrbereit.\nUnterschrift: [[PERSON:A. Wimmer]]",
        "kollision",
        "mittel",
        "kfz",
        "Rear-end collision, car drivable.",
    ),
    (
        "ocr",
        "Brief (eingescannt):\nSehr geehrte Damen und Herren,\nin unserer Wohnung in der [[LOCATION:Lindenstrafie 14]] ist ein Rohr in der Wand geplatzt. Die Wand ist nass, der Installateur kommt morgen.\nMit freundlichen GriiBen\n[[PERSON:H.-P. Kolbe]]\nVers.-Nr. [[POLICY_NUMBER:LW 4471 2209]]",
        "leitungswasser",
        "hoch",
        "sach_privat",
        "Burst pipe in wall, repair needed soon.",
    ),
    (
        "ocr",
        "FORMULAR HAFTPFLICHT (OCR)\nNAME: [[PERSON:K. BRUGGER]]\nIBAN: [[IBAN_CODE:"
        + g(IB2)
        + "]]\nGESCHÄDIGTER: [[PERSON:Rnonika Sterrn]]\nSCHADEN: Beim Umzug ist mir der Spiegel der Nachbarin runtergefallen, ca. 180 Euro.",
        "haftpflicht",
        "niedrig",
        "haftpflicht",
        "Insured broke a neighbour's mirror, small amount.",
    ),
    (
        "ocr",
        "Gutachten-Auszug (Scan): Besichtigung am 04.06. durch Sachverständigen Dipl.-Ing. [[PERSON:R. Vollmer]]. Dachdeckerei [[PERSON:Wilkens]] hat die Notabdeckung erstellt. Eigentümer [[PERSON:Bemd Schrnidt]], [[LOCATION:Am Anger 5, 37073 Göttingen]]. Hagelschaden an 40 m² Dachfläche, Kosten ca. 14.500 Euro.",
        "sturm_hagel",
        "hoch",
        "sach_privat",
        "Hail damaged roof, above 10,000 EUR.",
    ),
    (
        "email",
        "Von: [[PERSON:Sabine Krüger]] <[[EMAIL_ADDRESS:s.krueger@gmx.de]]>\nGesendet: Montag, 3. Juni 2024 08:12\nAn: Schaden\nBetreff: WG: Glasschaden\n\nHallo, anbei nochmal meine Meldung, die Glaserei [[PERSON:Wyss]] hat die Scheibe schon ausgemessen.\n\n> Am 01.06.2024 um 19:40 schrieb [[PERSON:Sabine Krüger]]:\n> Unser Schaufenster wurde in der Nacht eingeworfen, der Laden ist aber abgeschlossen.\n\n--\n[[PERSON:Sabine Krüger]]\nBoutique Seeblick\nTel. [[PHONE_NUMBER:07541 38 22 91]]",
        "glasbruch",
        "hoch",
        "gewerbe",
        "Shop window smashed, business property.",
    ),
    (
        "email",
        "-----Original Message-----\nFrom: [[PERSON:Oliver Haigh]] <[[EMAIL_ADDRESS:o.haigh@outlook.com]]>\nSent: Tuesday, 4 June 2024 10:02\nSubject: Claim [[CLAIM_NUMBER:CL-2024-88213]]\n\nHi, following up: the garage (Autohaus am Ring) says the car is a write-off after the flood. Regards, [[PERSON:Oliver]]\n\nOliver Haigh\nMobile [[PHONE_NUMBER:+44 7700 900123]]",
        "elementar",
        "hoch",
        "kfz",
        "Flood wrote off the car.",
    ),
    (
        "email",
        "Sehr geehrte Damen und Herren,\n\nwir, die Fa. [[PERSON:Pichler]] Haustechnik, melden einen Brand in unserer Werkstatt, [[LOCATION:Gewerbestraße 12, 6020 Innsbruck]]. Ein Akku-Ladegerät hat Feuer gefangen, die Feuerwehr war da, die Halle ist vorerst gesperrt.\n\nMit freundlichen Grüßen\ni.A. [[PERSON:Verena Pichler]]\nFa. [[PERSON:Pichler]] Haustechnik GmbH\nTel. [[PHONE_NUMBER:+43 512 384 22 10]]\n[[EMAIL_ADDRESS:office@pichler-haustechnik.at]]",
        "feuer",
        "kritisch",
        "gewerbe",
        "Fire in the workshop, hall closed.",
    ),
    (
        "email",
        "Betreff: Unfall mit Firmenwagen\n\nHallo zusammen, unser Monteur [[PERSON:Dariusz Nowak]] ist mit dem Sprinter ([[LICENSE_PLATE:S-KW 4410]]) in Stuttgart auf einen Ford Focus aufgefahren. Das Autohaus [[PERSON:Gebhardt]] hat den Wagen abgeschleppt. Schadennummer beim Gegner kennen wir noch nicht.\n\nGruß\n[[PERSON:Tanja Ruf]]\nBüro Elektro Süd GmbH",
        "kollision",
        "hoch",
        "kfz",
        "Company van rear-ended another car, towed.",
    ),
    (
        "email",
        "Hallo,\nder Sturm hat bei uns den Carport umgeworfen, er liegt auf dem BMW. Der Schreiner aus Wangen meint, der Carport ist hin.\n\nViele Grüße aus dem Allgäu\nFamilie [[PERSON:Brenner]]\n\nAm 02.06.2024 um 21:15 schrieb Sturm-Hotline <service@versicherung.example>:\n> Bitte senden Sie uns Fotos.",
        "sturm_hagel",
        "hoch",
        "kfz",
        "Storm threw the carport onto the car.",
    ),
    (
        "chat",
        "chat: hi, bin [[PERSON:jana]] 🙂 mir hat jemand das fahrrad vorm bahnhof geklaut, schloss durch. vertrag [[POLICY_NUMBER:hr 5512 0981]]. handy [[PHONE_NUMBER:0162 554 19 08]]",
        "einbruch_diebstahl",
        "niedrig",
        "sach_privat",
        "Bike stolen at the station.",
    ),
    (
        "chat",
        "chat: Grüezi, [[PERSON:urs meier]] hier. Bei uns hat der Hagel die Solaranlage beschädigt, 6 Module gesprungen. Meine AHV [[SOCIAL_SECURITY:756.1234.5678.97]], falls nötig. Gruess, [[PERSON:Urs]]",
        "sturm_hagel",
        "mittel",
        "sach_privat",
        "Hail cracked solar modules.",
    ),
    (
        "chat",
        "whatsapp: hallo ich bins nochmal der [[PERSON:kevin schulz]], also der hund von frau [[PERSON:lehmann]] nebenan hat mein kind gebissen, wir waren in der notaufnahme, ist genäht. soll ich das bei euch melden oder bei ihr?",
        "personenschaden",
        "mittel",
        "personen",
        "Child bitten by a dog, already treated.",
    ),
    (
        "chat",
        "chat: hallo, mein auto ([[LICENSE_PLATE:WN-XY 77]]) hat ein marder angeknabbert, die kabel sind durch, auto springt nicht an. werkstatt sagt ca 600 euro. lg [[PERSON:mia]]",
        "tierschaden",
        "hoch",
        "kfz",
        "Marten bit cables, car not drivable.",
    ),
    (
        "form",
        "Online-Formular\nName: [[PERSON:Schneider, Thomas]]\nGeburtsdatum: [[DATE_OF_BIRTH:07.11.1969]]\nSteuer-ID: [[TAX_ID:47036892816]]\nIBAN für Auszahlung: [[IBAN_CODE:"
        + IB1
        + "]]\nWas ist passiert: Einbruch in den Keller, zwei Fahrräder und Werkzeug gestohlen, Polizei war da.\nUnterschrift: [[PERSON:T. Schneider]]",
        "einbruch_diebstahl",
        "mittel",
        "sach_privat",
        "Cellar burglary, police informed.",
    ),
    (
        "form",
        "Schadenformular Unfallversicherung\nVersicherte Person: Dr. med. [[PERSON:Anna-Lena Vogt]]\nRentenversicherungsnummer: [[SOCIAL_SECURITY:12 150385 V 128]]\nHergang: Beim Skifahren gestürzt, Kreuzbandriss, OP nächste Woche.\nBehandelnder Arzt: Dr. [[PERSON:Sturm]], Klinik am Park\nUnterschrift: [[PERSON:A.-L. Vogt]]",
        "personenschaden",
        "hoch",
        "personen",
        "Skiing injury, surgery planned.",
    ),
    (
        "form",
        "Meldung Gebäudeschaden\nEigentümer: [[PERSON:Reh]], [[PERSON:Wolfgang]]\nObjekt: [[LOCATION:Waldweg 3, 94481 Grafenau]]\nUrsache: Ein umgestürzter Baum nach dem Sturm hat das Garagendach durchschlagen.\nKontakt: [[PHONE_NUMBER:08552 9120]]",
        "sturm_hagel",
        "hoch",
        "sach_privat",
        "Tree fell through garage roof.",
    ),
    (
        "dialect",
        "Griaß eich, do schreibt da [[PERSON:Wastl Huber]] vom Obergrabner Hof. Da Blitz hod in unsan Stoi eigschlogn, brennt hod nix, owa da Strom is weg und de Melkmaschin geht ned. Ruafts bittschen o: [[PHONE_NUMBER:0 86 71 / 92 33 4]]. Pfiat eich, [[PERSON:Wastl]]",
        "feuer",
        "kritisch",
        "gewerbe",
        "Lightning cut power to the milking machine on a farm.",
    ),
    (
        "dialect",
        "Moin, hier is [[PERSON:hinnerk janssen]] ut Leer. Dat Stormtief hett mien Schuppen umpustet, liggt nu op'n Tuun von [[PERSON:Fokke de Vries]]. Keen is verletzt. Meld di mal: [[PHONE_NUMBER:0491 44 87 12]]",
        "sturm_hagel",
        "mittel",
        "sach_privat",
        "Storm blew the shed onto the neighbour's fence.",
    ),
    (
        "dialect",
        "Hoi zäme, ich bi dr [[PERSON:Ruedi Wyss]]. D Glaserei Bärtschi hät gseit, s Fänschter chunnt erscht i zwei Wuche. Bis denn isch es mit Folie zue. Natel [[PHONE_NUMBER:079 412 33 08]]. Merci, [[PERSON:Ruedi]]",
        "glasbruch",
        "niedrig",
        "sach_privat",
        "Window covered with foil until replacement.",
    ),
    (
        "email",
        "Sehr geehrte Frau [[PERSON:Kessler]],\nbezüglich Ihres Schreibens zu [[CLAIM_NUMBER:SN-24-009812]]: Unser Mieter Herr [[PERSON:Adebayo Okafor]] hat den Wasserschaden im Bad gemeldet, die Hausverwaltung Rhein-Main hat den Sanitär Express beauftragt.\nFreundliche Grüße\n[[PERSON:Claudia Reinhardt-Oğuz]]\nHausverwaltung Rhein-Main\n[[LOCATION:Mainzer Landstraße 211, 60326 Frankfurt]]",
        "leitungswasser",
        "mittel",
        "sach_privat",
        "Landlord reports tenant's water damage.",
    ),
    (
        "voice",
        "Voicemail Transkript: Guten Abend, hier [[PERSON:Doris Maurer]], Aktenzeichen [[CLAIM_NUMBER:a zett sieben sieben eins drei zwo null]], ich wollte nur sagen, der Gutachter war da, alles gut. Meine neue Nummer ist [[PHONE_NUMBER:null sechs neun, zwo drei vier fünf, sechs sieben acht neun]].",
        "leitungswasser",
        "niedrig",
        "sach_privat",
        "Follow-up call, nothing new.",
    ),
    (
        "voice",
        "Anruf Transkript: ja hallo, hier [[PERSON:Ahmet Demir]], mein Fahrzeug [[LICENSE_PLATE:be ha minus de zett vier zwei]] wurde auf dem Parkplatz angefahren, Fahrerflucht, Stoßstange kaputt, ungefähr achthundert Euro. Meine Versicherungsnummer ist [[POLICY_NUMBER:k ef zett neun neun eins zwo drei vier]].",
        "kollision",
        "mittel",
        "kfz",
        "Hit-and-run on the parked car.",
    ),
    (
        "chat",
        "chat: hey, [[PERSON:lena kowalski]] hier. in der wohnung über uns ist die waschmaschine ausgelaufen, bei uns tropft es von der decke ins wohnzimmer, gerade jetzt. nummer [[PHONE_NUMBER:null eins fünf neun, null drei drei, sechs acht sieben zwo]]",
        "leitungswasser",
        "kritisch",
        "sach_privat",
        "Water dripping from ceiling right now.",
    ),
    (
        "email",
        "Hi,\nplease find the claim for the hail damage to our Tesla Model 3 attached. The roof and bonnet have dents all over.\nBest,\n[[PERSON:Priya Raman]]\n[[PERSON:Raman]] Consulting Ltd\n[[PHONE_NUMBER:+49 89 2180 4455]]\n\nOn Mon, 3 Jun 2024 at 14:02, [[PERSON:Priya Raman]] <[[EMAIL_ADDRESS:priya@raman-consulting.de]]> wrote:\n> Sending photos tomorrow.",
        "sturm_hagel",
        "mittel",
        "kfz",
        "Hail dents on the car.",
    ),
    (
        "ocr",
        "KFZ-SCHADENMELDUNG (OCR)\nHALTER: [[PERSON:GÜNTHER OBERHOFER]]\nANSCHRIFT: [[LOCATION:KIRCHGASSE 4, 6330 KUFSTEIN]]\nKENNZEICHEN: [[LICENSE_PLATE:KU 482 BH]]\nTELEFON: [[PHONE_NUMBER:+43 664 1234 567]]\nHERGANG: WILDUNFALL MIT EINEM HIRSCH AUF DER B171, MOTORHAUBE UND SCHEINWERFER BESCHÄDIGT.\nUNTERSCHRIFT: [[PERSON:G. OBERHOFER]]",
        "tierschaden",
        "mittel",
        "kfz",
        "Collision with a stag, car damaged.",
    ),
    (
        "voice",
        "Sprachnachricht: Hallo, [[PERSON:Felix Brandner]] hier, wegen dem Einbruch in die Bäckerei. Die Polizei hat ein Aktenzeichen vergeben, aber das ist ja nicht Ihres. Ihre Schadennummer hab ich als [[CLAIM_NUMBER:s n null null vier sieben drei acht neun]]. Rufen Sie mich an unter [[PHONE_NUMBER:null sieben eins eins, vier null neun, acht acht zwo drei]].",
        "einbruch_diebstahl",
        "hoch",
        "gewerbe",
        "Burglary at a bakery.",
    ),
]
with open(__file__.rsplit("/", 1)[0] + "/messy-channels.jsonl", "w", encoding="utf-8") as out:
    for i, (channel, text, d, u, dep, note) in enumerate(C, 1):
        out.write(
            json.dumps(
                {
                    "id": f"M{i:03d}-{channel}",
                    "text": text,
                    "damage_type": d,
                    "urgency": u,
                    "department": dep,
                    "note": note,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
print(len(C))
