"""Lexicon data: toys, sports and leisure, DIY and garden, books and media.

Pure data in the lexicon mini-syntax (see `lexicon.py`).
"""

# Specific item nouns: strong evidence.
NOUNS = {
    "JOU": """
        jouet [electric=EEE-5], jouet en bois, jouet d'enfant, jouet pour enfant,
        jeu de société, jeu de carte, jeu de construction, jeu d'éveil, jeu éducatif,
        jeu de plateau, jeu de stratégie, jeu de rôle, monopoly, scrabble, uno, cluedo,
        trivial pursuit, puissance 4, mille borne, jeu d'échec, échiquier, jeu de dame, domino,
        jeu de l'oie, jeu de quille, quille, jeu de 7 famille, peluche, doudou, nounours,
        ours en peluche, poupée, poupon, barbie, baigneur, figurine, playmobil, lego, duplo,
        kapla, meccano, mega bloks, cube, cube en bois, puzzle, dînette, petite voiture,
        voiture miniature, voiture à pédale, camion, camion de pompier, tracteur jouet,
        circuit de bille, circuit, train en bois, maison de poupée, château fort,
        cheval à bascule, cheval de bois, tricycle, porteur, trotteur, toboggan, balançoire,
        bac à sable, tapis d'éveil, hochet, marionnette, théâtre de marionnette, toupie, yoyo,
        bille, cerf volant, pistolet à eau, nerf, pâte à modeler, déguisement, panoplie,
        jouet de bain, jeu de bain, hot wheels, soldat de plomb, kaléidoscope, cuisine enfant,
        cuisine pour enfant, établi enfant, caisse enregistreuse jouet, garage jouet,
        ferme en bois, arche de noé, boîte à forme, jeu d'adresse, jeu de fléchette enfant,
        pâte à sel, coloriage, livre de coloriage, jeu de pêche, mikado, rubik's cube,
        rubik cube, bilboquet, jeu de société en bois, dinosaure en plastique, dinosaure,
        tipi enfant, tente enfant, piscine à balle, jouet en plastique, jouet premier âge,
        jeu de mémoire, memory, loto, bingo, poupée mannequin, vêtement de poupée,
        landau de poupée, poussette de poupée, robot en plastique, brique lego, abaque, boulier,
        ardoise magique, tableau magnétique, gommette, carte pokémon, carte à jouer, osselet,
        cerceau, hula hoop, diabolo, balle de jonglage, bulle de savon, pistolet jouet,
        épée en plastique, lit de poupée, château, bateau pirate, parking, wagon, locomotive,
        avion jouet, hélicoptère jouet, camion benne, pelleteuse, grue, tracteur, chevalier,
        animal en plastique, petit cheval, jeu de petit cheval, mah jong, backgammon, tarot,
        belote, jenga, twister, docteur maboul, mastermind, dobble, jungle speed, bonne paye,
        pictionary, taboo, risk, skyjo, time's up, dixit, carcassonne, catan,
        aventurier du rail, labyrinthe, yam's, rummikub, triomino, jouet de plage,
        pelle de plage, seau de plage, râteau de plage, youpala, table d'activité,
        cube d'activité, jouet d'éveil, livre en tissu, tente de jeu, maisonnette,
        cabane enfant, portique, jeu de plein air, ballon de plage, ballon sauteur, ken,
        action man, voiture de course jouet, garage en bois, circuit hot wheels,
        jeu de société enfant, pâte à modeler play doh, circuit de voiture [electric=EEE-5],
        circuit de petite voiture
    """,
    "SPO": """
        vélo [electric=EEE-5], bicyclette, vtt [electric=EEE-5], vtc [electric=EEE-5], bmx,
        vélo de course, vélo enfant, vélo adulte, vélo de ville, vélo pliant [electric=EEE-5],
        vélo d'appartement, home trainer, vélo elliptique, elliptique, rameur, draisienne,
        banc de musculation, appareil de musculation, haltère, kettlebell, barre de musculation,
        tapis de yoga, tapis de sol, ballon, ballon de foot, ballon de football,
        ballon de basket, ballon de rugby, ballon de volley, raquette, raquette de tennis,
        raquette de ping pong, raquette de badminton, volant de badminton, balle de tennis,
        balle de golf, club de golf, sac de golf, ski, bâton de ski, chaussure de ski,
        chaussure de randonnée ski, casque de ski, masque de ski, snowboard, surf,
        planche de surf, planche à voile, paddle, bodyboard, kayak, canoë, pagaie, rame,
        gilet de sauvetage, palme, masque de plongée, tuba, combinaison de plongée, luge, patin,
        patin à glace, patin à roulette, roller, skateboard, skate, longboard,
        trottinette [electric=EEE-5], casque de vélo, casque vélo, protège tibia, genouillère,
        gant de boxe, sac de frappe, punching ball, canne à pêche, moulinet, épuisette, tente,
        tente de camping, toile de tente, sac de couchage, matelas gonflable,
        matelas de camping, réchaud de camping, réchaud, glacière [electric=EEE-1],
        chaise de camping, table de camping, hamac, sac de randonnée, bâton de marche, jumelle,
        boule de pétanque, pétanque, fléchette, jeu de fléchette, cible, billard,
        table de billard, baby foot, babyfoot, table de ping pong, ping pong, trampoline,
        panier de basket, but de foot, cage de foot, filet de volley, crosse, batte,
        batte de baseball, arc, arbalète, kimono de judo, guitare [electric=SPO],
        guitare acoustique, guitare classique, guitare folk, violon, violoncelle, contrebasse,
        ukulélé, flûte, flûte à bec, flûte traversière, clarinette, saxophone, trompette,
        trombone, accordéon, harmonica, piano [electric=EEE-4], piano droit, tambour, djembé,
        xylophone, instrument de musique, pupitre à partition, métronome, banjo,
        siège vélo enfant, siège enfant vélo, remorque vélo, pompe à vélo, antivol,
        selle de vélo, roue de vélo, chambre à air, cadre de vélo, porte bagage vélo,
        casque d'équitation, bombe d'équitation, selle de cheval, trottinette freestyle, step,
        stepper, corde à sauter, ballon de gym, swiss ball, élastique de musculation,
        vélo de route, vélo cargo, matériel de camping, matériel de pêche, matériel de sport,
        article de sport, équipement de sport, plongée, escalade, baudrier, mousqueton, crampon,
        piolet, ski de fond, raquette à neige, luge en bois, planche à neige, tapis de gym,
        tandem, monocycle, coudière, protège poignet, protection de roller, bâton,
        planche à roulette, planche de skate, balle, balle de ping pong, chariot de golf,
        putter, leurre, hameçon, waders, boîte de pêche, lit de camp, popote,
        sac à dos de randonnée, sac à dos de camping, home gym, station de musculation,
        banc de muscu, appareil de muscu, muscu, vélo de spinning, appareil à abdo,
        roue abdominale, brique de yoga, sangle de yoga, protège dent, ceinture de judo, tatami,
        queue de billard, boule de billard, air hockey, flèche, carabine, frisbee, boomerang,
        guitare basse, batterie acoustique, tambourin, maracas, housse de guitare,
        étui à guitare, étui de violon, combinaison de surf, combinaison néoprène,
        planche de bodyboard, aviron, barque, bateau pneumatique, gonflable, bouée,
        ski nautique, wakeboard, raquette de plage, jeu de raquette, kit de badminton,
        ballon de handball, ballon de volley ball, maillot de cycliste, cuissard, vélo bmx,
        vélo vtt, vélo d'enfant, vélo de fille, vélo de garçon, roue stabilisatrice,
        petite roue, trottinette pliable, paire de ski, ski alpin
    """,
    "BRI": """
        outil, outillage, boîte à outil, caisse à outil, coffre à outil, valise à outil,
        marteau, maillet, masse, tournevis, jeu de tournevis, clé à molette, clé plate,
        clé allen, clé à pipe, clé à cliquet, cliquet, pince, pince coupante, pince multiprise,
        tenaille, scie [electric=EEE-5], scie égoïne, scie à métaux, scie à métal, scie à bois,
        serre joint, étau, rabot [electric=EEE-5], lime, râpe à bois, ciseau à bois, burin,
        niveau, niveau à bulle, mètre ruban, mètre pliant, équerre, cutter, pistolet à silicone,
        truelle, taloche, auge, brosse métallique, pinceau, rouleau de peinture, bac à peinture,
        pot de peinture, vernis, lasure, enduit, colle, mastic, vis, clou, boulon, écrou,
        cheville, visserie, quincaillerie, charnière, poignée de porte, serrure, cadenas,
        chaîne, corde, sangle, tendeur, bâche, échelle, escabeau, marchepied, établi, tréteau,
        servante d'atelier, diable, transpalette, cric, perceuse à main, perceuse manuelle,
        vilebrequin, chignole, agrafeuse murale, tuyau, tuyau d'arrosage, enrouleur, dévidoir,
        arrosoir, pulvérisateur, asperseur, arroseur, lance d'arrosage, brouette, râteau, pelle,
        pelle de jardin, bêche, pioche, binette, fourche, serfouette, sarcloir, plantoir,
        griffe de jardin, houe, sécateur, cisaille, cisaille à haie, ébrancheur, échenilloir,
        coupe branche, hache, hachette, merlin, scie d'élagage, faux, faucille,
        tondeuse manuelle, tondeuse hélicoïdale, jardinière, pot de fleur, bac à fleur,
        composteur, récupérateur d'eau, barbecue [electric=EEE-5], brasero, grille de barbecue,
        barbecue à charbon, barbecue à gaz, serre de jardin, outil de jardin,
        outil de jardinage, balai de jardin, balai à feuille, porte, fenêtre, volet, parquet,
        carrelage, lavabo, évier, robinet, mitigeur, cuvette de toilette, lambris, planche,
        planche de bois, tasseau, plinthe, moulure, tuile, brique, parpaing, sac de ciment,
        ciment, plâtre, laine de verre, isolant, tôle, grillage, clôture, poteau, piquet,
        gouttière, store, tringle à rideau, tringle, rail, radiateur en fonte,
        motoculteur [electric=EEE-4], tronçonneuse thermique, débroussailleuse thermique,
        tondeuse thermique, taille haie manuel, souffleur thermique, pompe à main,
        décapeur manuel, agrafeuse de tapissier, ponceuse manuelle, cale à poncer,
        papier de verre, gant de jardinage, tuyau d'arrosage avec enrouleur,
        nettoyeur thermique, matériel de bricolage, bricolage, jardinage, serre joint, mètre,
        règle de maçon, fil à plomb, cordeau, boîte de vis, boîte de clou, coffret de forêt,
        foret, mèche, embout, jeu de clé, pied de biche, arrache clou, pistolet à peinture,
        bâche de protection, escabeau alu, échelle télescopique, abri de jardin,
        tuyau d'évacuation, cuve à fioul, citerne, récupérateur d'eau de pluie, paillasson,
        grille, treillis, douille, coffret de douille, massette, égoïne, couteau à enduire,
        spatule de peintre, rouleau, lino, linoléum, moquette, papier peint,
        rouleau de papier peint, contreplaqué, panneau de bois, osb, gravier, sable, terreau,
        sac de terreau, engrais, graine, semence, bulbe, porte fenêtre, vitre,
        pommeau de douche, douchette, flexible de douche, wc, abattant, abattant de wc,
        lunette de wc, bac de douche, baignoire, raccord, tuyau pvc, gaine, poignée, verrou,
        crochet, patère, moustiquaire, motobineuse [electric=EEE-5], rouleau à gazon, semoir,
        épandeur, bac à compost, pot en terre, pot en terre cuite, vasque, treillage, tuteur,
        bordure, dalle, pavé, serre, portail, brise vue, canisse, pierre, outil à main,
        clé à bougie, caisse à outil vide, boîte à vis, perceuse à main, scie japonaise,
        scie à guichet, scie à découper, serre joint, pistolet à eau de jardin,
        pistolet d'arrosage, enrouleur de tuyau, plantoir à bulbe, taille bordure manuel,
        cisaille à gazon, balai à gazon, grattoir, ponceuse à main, décapant, white spirit,
        pot de vernis, pot de lasure, bidon de peinture, pot de colle, tracteur tondeuse,
        autoportée, tondeuse autoportée, cuve à eau, cuve de récupération,
        récupérateur d'eau de pluie
    """,
    "LIV": """
        livre, bouquin, roman, livre de poche, bande dessinée, bd, manga, comics, album,
        magazine, revue, journal, encyclopédie, dictionnaire, atlas, guide, guide de voyage,
        livre de cuisine, livre pour enfant, livre d'enfant, livre scolaire, manuel scolaire,
        partition, cd, dvd, blu ray, bluray, vinyle, disque, disque vinyle, 33 tour, 45 tour,
        78 tour, microsillon, cassette, cassette audio, cassette vidéo, vhs, k7, laserdisc,
        jeu vidéo, cartouche de jeu, catalogue, carte postale, carte routière, annuaire, bible,
        missel, recueil, poésie, polar, roman policier, thriller, coffret dvd, intégrale, tome,
        livre d'art, beau livre, livre ancien, livre de recette, livre de bibliothèque,
        biographie, essai, mémoire, conte, album photo de famille, universalis, larousse,
        pléiade, harlequin, astérix, tintin, spirou, lucky luke, gaston lagaffe, one piece,
        naruto, dragon ball, cd rom, disquette de jeu, méthode de langue, livre audio,
        agenda papier, carte géographique, plan de ville, coffret cd, intégrale dvd, série dvd,
        film, musique, disque 33 tour, livre cd, calendrier, almanach, coran, magazine de mode,
        revue ancienne, bd ancienne, roman jeunesse, livre jeunesse, album jeunesse,
        album pour enfant, livre de coloriage adulte, encyclopédie pour enfant,
        livre de jardinage, livre de bricolage, guide du routard, guide michelin,
        carte michelin, livre broché, livre relié, livre de photo, livre de voyage,
        manuel de cuisine, cd audio, cd de musique, dvd de film, film dvd, dessin animé,
        coffret de dvd, disque 45 tour, vinyle 33 tour, cassette vhs, jeu pc, jeu de console
    """,
}

# Vague nouns ("appareil", "machine") and containers: weaker evidence.
GENERIC = {
    "JOU": """
        jeu [electric=EEE-5 holder], voiture [electric=EEE-5], train [electric=EEE-5],
        avion [electric=EEE-5], hélicoptère [electric=EEE-5], bateau jouet
    """,
    "SPO": """
        sport, loisir, camping, fitness, musculation, randonnée
    """,
    "BRI": """
        jardin =0.9, clé, niveau, bois de chauffage, peinture, cuve
    """,
    "LIV": """
        lecture
    """,
}

# Context words that are not items (materials, uses): weak evidence, "=weight" each.
CUES = {
    "JOU": """
        enfant =0.3, jouer =0.6
    """,
    "SPO": """
        pêche =0.6, foot =0.6, football =0.6, rugby =0.8, golf =0.8, natation =0.8,
        randonnée =0.6, piscine =0.4, montagne =0.3, skieur =0.6, vitesse =0.4
    """,
    "BRI": """
        atelier =0.6, garage =0.3, chantier =0.8, thermique =0.6, essence =0.4
    """,
    "LIV": """
        poche =0.4, page =0.6, auteur =0.8, lecture =0.4
    """,
}
