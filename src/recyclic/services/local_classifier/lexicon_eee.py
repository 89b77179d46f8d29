"""Lexicon data: electrical and electronic equipment (EEE-1 … EEE-7).

Pure data in the lexicon mini-syntax (see `lexicon.py`): phrases separated by commas or new
lines, written in the singular, with optional [annotations].
"""

# Specific item nouns: strong evidence.
NOUNS = {
    "EEE-1": """
        réfrigérateur, frigo, frigidaire, frigidère, frigidair, réfrigérateur américain, frigo
        américain, réfrigérateur congélateur, frigo congélateur, combiné frigo, combiné
        réfrigérateur, congélateur, congel, congélo, congélateur coffre, congélateur armoire,
        bahut congélateur, coffre congélateur, cave à vin, cave de vieillissement, climatiseur,
        clim, climatisation, déshumidificateur, déshumidificateur d'air, pompe à chaleur,
        radiateur bain d'huile, bain d'huile, radiateur à huile, mini bar, minibar, fontaine à
        eau, fontaine réfrigérée, distributeur d'eau fraîche, glacière électrique, tireuse à
        bière, machine à glaçon, vitrine réfrigérée, armoire réfrigérée, réfrigérateur table
        top, frigo table top, rafraîchisseur d'air, climatiseur mobile, climatiseur réversible,
        chambre froide, refroidisseur, distributeur de boisson, chauffe eau thermodynamique,
        ballon thermodynamique, réfrigérateur encastrable, frigo encastrable, frigo de camping,
        réfrigérateur de camping, climatiseur portable, déshumidificateur électrique,
        refroidisseur d'air
    """,
    "EEE-2": """
        télévision, télé, téléviseur, tv, tele, télé cathodique, téléviseur cathodique, écran,
        écran plat, écran d'ordinateur, écran pc, écran lcd, écran plasma, plasma, écran
        cathodique, écran tactile, moniteur, moniteur d'ordinateur, ordinateur portable, ordi
        portable, pc portable, portable pc, laptop, notebook, netbook, chromebook, macbook,
        tablette, tablette tactile, tablette numérique, ipad, galaxy tab, liseuse, liseuse
        électronique, kindle, kobo, cadre photo numérique, cadre numérique, imac, minitel, smart
        tv, téléviseur led, télé led, ultrabook, tablette android, tablette enfant, écran de
        télé, poste de télé, poste tele, poste de télévision, poste télévision, télé portable,
        mini télé, tablette samsung
    """,
    "EEE-3": """
        ampoule, ampoule led, ampoule basse consommation, ampoule halogène, ampoule à vis,
        ampoule à baïonnette, ampoule à incandescence, ampoule fluocompacte, néon, tube néon,
        tube fluorescent, tube fluo, tube led, lampe fluocompacte, fluocompacte, lampe basse
        consommation, lampe à économie d'énergie, ampoule économique, starter néon, ampoule à
        filament, ampoule vintage, ampoule e27, ampoule gu10, tube t8, néon de cuisine, ampoule
        de rechange, tube fluorescent de garage, ampoule halogène crayon, ampoule flamme,
        ampoule sphérique, ampoule spot, spot led de rechange, lampe à incandescence, tube néon
        de cuisine, ampoule à économie d'énergie, néon circulaire
    """,
    "EEE-4": """
        machine à laver, machine à laver le linge, lave linge, lavelinge, lave-linge séchant,
        lavante séchante, lave vaisselle, lavevaisselle, sèche linge, sechelinge, sèche linge à
        condensation, cuisinière, gazinière, cuisinière à gaz, cuisinière électrique, cuisinière
        mixte, four [small=EEE-5], four encastrable, four électrique [small=EEE-5], four à
        chaleur tournante, four pyrolyse, piano de cuisson, plaque de cuisson [small=EEE-5],
        table de cuisson, plaque vitrocéramique, plaque à induction [small=EEE-5], plaque
        induction [small=EEE-5], table induction, hotte, hotte aspirante, photocopieuse
        [small=EEE-6], photocopieur [small=EEE-6], copieur [small=EEE-6], tondeuse [manual=BRI],
        tondeuse à gazon [manual=BRI], tondeuse électrique, robot tondeuse, tapis de course,
        tapis roulant, chauffe eau, ballon d'eau chaude, cumulus, chaudière, poêle à granulé,
        poêle à pellet, fauteuil releveur, lit médicalisé, flipper, borne d'arcade, borne
        arcade, juke box, piano numérique, piano électrique, distributeur automatique,
        bétonnière, scie sur table, scie à table, broyeur de végétaux, broyeur végétaux, broyeur
        de branche, scarificateur, fendeuse de bûche, fendeuse, lampadaire [small=EEE-5],
        lampadaire halogène [small=EEE-5], halogène [small=EEE-5], lampe halogène sur pied,
        lampe sur pied [small=EEE-5], motoculteur électrique, aspirateur central, machine à
        laver séchante, fauteuil de massage, perceuse à colonne, scie à ruban, raboteuse,
        dégauchisseuse, combiné menuiserie, groupe électrogène, radiateur à accumulation,
        adoucisseur d'eau, tapis de marche, orgue électrique, traceur,
        congélateur vitrine, lave vaisselle encastrable, four à micro onde professionnel,
        cuisinière vitrocéramique, cuisinière induction
    """,
    "EEE-5": """
        aspirateur, aspirateur robot, robot aspirateur, aspirateur balai, aspirateur traîneau,
        aspirateur à main, aspirateur sans fil, aspirateur sans sac, aspirateur eau et
        poussière, aspi, micro onde, microonde, four micro onde, four à micro onde, mini four,
        petit four électrique, four posable, bouilloire, grille pain, toaster, cafetière
        [manual=VAI], cafetière électrique, cafetière filtre, machine à café, machine expresso,
        expresso, machine à expresso, percolateur, cafetière à dosette, machine à dosette,
        moulin à café [manual=VAI], moulin à café électrique, robot, robot de cuisine, robot
        ménager, robot pâtissier, robot multifonction, robot mixeur, robot cuiseur, blender,
        mixeur, mixer, mixeur plongeant, batteur, batteur électrique, fouet électrique, hachoir
        [manual=VAI], hachoir électrique, hache viande, centrifugeuse, extracteur de jus, presse
        agrume électrique, yaourtière, machine à pain, friteuse, friteuse sans huile, air fryer,
        airfryer, gaufrier, appareil à gaufre, appareil à raclette, raclette, appareil à fondue,
        fondue électrique, crêpière [manual=VAI], plancha, plancha électrique, grill, grill
        électrique, barbecue électrique, appareil à croque monsieur, croque monsieur, cuiseur
        vapeur, cuiseur à riz, autocuiseur électrique, multicuiseur, sorbetière, turbine à
        glace, machine à glace, machine à soda, chauffe biberon, stérilisateur, stérilisateur
        biberon, trancheuse, trancheuse à jambon, couteau électrique, ouvre boîte électrique,
        balance [manual=DIV], balance de cuisine, balance électronique, pèse personne, pèse
        bébé, sèche cheveux, sèche cheveu, séchoir à cheveux, lisseur, fer à lisser, boucleur,
        fer à friser, brosse soufflante, brosse chauffante, tondeuse à cheveux, tondeuse
        cheveux, tondeuse barbe, tondeuse à barbe, rasoir [manual=DIV], rasoir électrique,
        épilateur, brosse à dent électrique, hydropulseur, appareil de massage, masseur, fer à
        repasser, fer à vapeur, centrale vapeur, centrale de repassage, défroisseur, machine à
        coudre, surjeteuse, brodeuse, ventilateur [large=EEE-4], ventilo, ventilateur colonne,
        radiateur [large=EEE-4], radiateur électrique [large=EEE-4], radiateur soufflant,
        radiateur d'appoint, convecteur, chauffage, chauffage d'appoint, chauffage électrique,
        soufflant, humidificateur, purificateur d'air, diffuseur d'huile essentielle, radio,
        poste radio, poste de radio, radio cassette, radiocassette, radio réveil, radio cd,
        réveil, réveil matin, chaîne hi fi, chaîne hifi, chaîne stéréo, mini chaîne, micro
        chaîne, hifi, enceinte [large=EEE-4], enceinte bluetooth, enceinte connectée, haut
        parleur, baffle, caisson de basse, ampli, amplificateur, ampli guitare, tuner, platine,
        platine vinyle, platine disque, tourne disque, électrophone, lecteur cd, lecteur dvd,
        lecteur blu ray, lecteur de cassette, lecteur cassette, magnétoscope, magnétophone,
        walkman, baladeur, lecteur mp3, ipod, home cinéma, barre de son, casque audio, casque
        bluetooth, écouteur, micro, microphone, table de mixage, console de mixage,
        synthétiseur, synthé, clavier arrangeur, clavier de piano, clavier musical, pédale
        d'effet, appareil photo, appareil photo numérique, appareil photo argentique, caméscope,
        caméra, caméra de surveillance, caméra sportive, gopro, projecteur, vidéoprojecteur,
        rétroprojecteur, projecteur de diapositive, lampe [large=EEE-4], lampe de chevet, lampe
        de bureau, lampe de table, lampe à poser, lampe d'architecte, lampe de salon, applique,
        applique murale, lustre, suspension, plafonnier, spot, réglette, réglette néon,
        guirlande lumineuse, guirlande électrique, guirlande led, lampe torche, lampe de poche,
        lampe frontale, veilleuse, lampe solaire, luminaire, lampe de jardin, projecteur led,
        jouet électrique, jouet à pile, jouet électronique, voiture télécommandée, hélicoptère
        télécommandé, avion télécommandé, bateau télécommandé, télécommande, drone, train
        électrique, circuit électrique, circuit de voiture, robot jouet, tamagotchi, babyphone,
        baby phone, écoute bébé, sonnette, carillon électrique, détecteur de fumée, thermostat,
        minuteur, station météo, horloge électrique, horloge numérique, perceuse [manual=BRI],
        perceuse visseuse, visseuse, visseuse dévisseuse, perforateur, marteau piqueur, perceuse
        à percussion, meuleuse, meuleuse d'angle, disqueuse, ponceuse, ponceuse excentrique,
        scie sauteuse, scie circulaire, scie sabre, scie électrique, scie à onglet, scie
        plongeante, rabot électrique, défonceuse, décapeur thermique, pistolet à colle, fer à
        souder, station de soudure, poste à souder [large=EEE-4], compresseur [large=EEE-4],
        agrafeuse électrique, cloueur, outil multifonction, dremel, tronçonneuse [manual=BRI],
        taille haie [manual=BRI], souffleur [manual=BRI], souffleuse [manual=BRI], souffleur de
        feuille [manual=BRI], aspirateur souffleur, débroussailleuse [manual=BRI], coupe bordure
        [manual=BRI], rotofil, nettoyeur haute pression [large=EEE-4], nettoyeur vapeur,
        shampouineuse, cireuse, pompe à eau, pompe de relevage, pompe immergée, pompe de
        piscine, robot de piscine, vélo électrique, vélo à assistance électrique, vae,
        trottinette électrique, hoverboard, gyropode, gyroroue, skate électrique, monocycle
        électrique, couverture chauffante, couverture électrique, bouillotte électrique, chauffe
        pied, coussin chauffant, tire lait, sèche serviette, programmateur, multiprise,
        rallonge, rallonge électrique, enrouleur électrique, transformateur, adaptateur secteur,
        éplucheuse électrique, machine sous vide, appareil à hot dog, machine à barbe à papa,
        fontaine à chocolat, chauffe plat, plaque électrique, réchaud électrique, wok
        électrique, cuit oeuf, four à pizza, appareil à pizza, machine à écrire électrique,
        tensiomètre, thermomètre électronique, cigarette électronique, aquarium chauffant,
        électroménager, petit électroménager, appareil électroménager, appareil électrique,
        aspirateur de table, lampe uv, sèche ongle, lampe de luminothérapie, poste cd, poste
        radio cd, poste à cassette, karaoké, machine à karaoké, micro karaoké, appareil à
        panini, presse panini, interphone vidéo, alarme, détecteur, nettoyeur de vitre,
        aspirateur de vitre, aspirateur à cendre, boîte à rythme, enceinte portable, radio
        portable, transistor, poste à transistor, lecteur de vinyle, pierrade, cuiseur à oeuf,
        machine à popcorn, chocolatière, théière électrique, mousseur à lait, moulinette, robot
        coupe, déshydrateur, scelleuse, plastifieuse, destructeur de document, broyeur de
        papier, lampe à lave, boule à facette, jeu de lumière, stroboscope, machine à fumée,
        gonfleur électrique, chargeur de batterie, booster de batterie, visseuse à choc,
        boulonneuse, cloueuse, scie à chantourner, touret à meuler, lampe baladeuse, projecteur
        de chantier, aspirateur de chantier [large=EEE-4], ponceuse à bande, lime électrique,
        burineur, malaxeur, coupe haie [manual=BRI], élagueuse [manual=BRI], aérateur de gazon,
        pompe d'arrosage, programmateur d'arrosage, fontaine de jardin électrique, détecteur de
        métaux, radio de chantier, veilleuse musicale, fer à boucler, tondeuse nez, brosse
        nettoyante, électrostimulateur, nébuliseur, aérosol électrique, balance impédancemètre,
        coussin massant, bain de pied, voiture radiocommandée, jouet interactif, peluche
        interactive, ordinateur enfant, ordinateur éducatif, piano jouet, batterie électronique,
        sèche main, autoradio, micro onde encastrable, interrupteur, prise électrique, câble
        électrique, fil électrique, disjoncteur, tableau électrique, matériel électrique, furby,
        tamagotchi, airpods, casque gaming, écouteur bluetooth, lecteur multimédia, lampe de
        camping, lampe led de camping, caméra de recul, dashcam, radar de recul, thermostat
        connecté, ampoule connectée, aspirateur de voiture, cafetière à l'ancienne électrique,
        réveil lumineux, radio numérique,
        discman, flash, flash photo, laveuse [small=EEE-5], mini laveuse, objectif photo,
        appareil photo jetable, lecteur mp4, poste radio portable, radio k7, enregistreur,
        lampe pince, lampe de lecture, lampe d'atelier, rampe d'éclairage, spot encastrable
    """,
    "EEE-6": """
        téléphone, téléphone portable, téléphone mobile, téléphone fixe, téléphone sans fil,
        smartphone, portable [head], mobile [head], gsm, iphone, ordinateur, ordi, pc,
        ordinateur fixe, ordi fixe, ordinateur de bureau, pc fixe, unité centrale, unité
        centrale d'ordinateur, tour [head], tour d'ordinateur, tour pc, tour de pc, mac mini,
        imprimante [large=EEE-4], imprimante jet d'encre, imprimante laser, imprimante
        multifonction, imprimante photo, scanner, scanneur, fax, télécopieur, routeur, routeur
        wifi, box, box internet, box adsl, modem, modem adsl, switch réseau, répéteur wifi,
        borne wifi, clavier, clavier d'ordinateur, clavier sans fil, souris, souris
        d'ordinateur, souris sans fil, webcam, disque dur, disque dur externe, disque ssd, clé
        usb, carte mémoire, carte graphique, carte mère, processeur, barrette de mémoire,
        graveur, alimentation pc, onduleur, hub usb, calculatrice, calculette, calculatrice
        scientifique, gps, gps de voiture, talkie walkie, console de jeu, console [head],
        console portable, console de jeu vidéo, manette, manette de jeu, playstation, xbox, wii,
        nintendo, game boy, gameboy, nintendo ds, psp, montre connectée, bracelet connecté,
        smartwatch, répondeur, chargeur, chargeur de téléphone, chargeur d'ordinateur, câble,
        câble usb, câble hdmi, lecteur de carte, dictaphone, agenda électronique, traducteur
        électronique, casque de réalité virtuelle, casque vr, serveur, nas, matériel
        informatique, informatique, périphérique, téléphone à clapet, fixe [head], standard
        téléphonique, imprimante 3d, tablette graphique, lecteur dvd externe, pavé numérique,
        micro casque, pc gamer, mini pc, clé 4g, décodeur, décodeur tnt, carte réseau, carte
        son, boîtier pc, batterie externe, power bank, caisse enregistreuse, terminal de
        paiement, tpe, lecteur code barre, imprimante à étiquette, ordinateur de poche, pda,
        téléphone à touche, smartphone android, visiophone, interphone, ordinateur gamer, écran
        et unité centrale, portable android, téléphone portable android, galaxy
    """,
    "EEE-7": """
        panneau solaire, panneau photovoltaïque, panneau pv, module photovoltaïque, module
        solaire, kit solaire, kit photovoltaïque, kit panneau solaire, plaque solaire, capteur
        photovoltaïque, capteur solaire, tuile solaire, cellule photovoltaïque, photovoltaïque,
        panneau solaire photovoltaïque, panneau solaire souple, panneau solaire de camping car,
        panneau solaire portable, panneau solaire pliable, module pv, plaque photovoltaïque,
        panneau photovoltaïque de toiture, kit solaire autonome, panneau solaire monocristallin,
        panneau solaire polycristallin, capteur pv, panneau de toit solaire
    """,
}

# Vague nouns ("appareil", "machine") and containers: weaker evidence.
GENERIC = {
    "EEE-4": """
        machine, gros électroménager
    """,
    "EEE-5": """
        appareil, appareil ménager, électronique, lampe led [large=EEE-4]
    """,
    "EEE-6": """
        téléphonie, matériel de bureautique
    """,
}

# Context words that are not items (materials, uses): weak evidence, "=weight" each.
CUES = {
    "EEE-3": """
        led =0.5
    """,
    "EEE-6": """
        wifi =0.8, usb =0.6, bluetooth =0.4, sans fil =0.3, adsl =0.8
    """,
    "EEE-2": """
        pouce =0.8, écran cassé =0.5, écran fissuré =0.3
    """,
    "EEE-7": """
        solaire =1.2
    """,
}
