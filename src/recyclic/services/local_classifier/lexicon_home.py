"""Lexicon data: furniture, textiles, tableware, decoration and miscellaneous goods.

Pure data in the lexicon mini-syntax (see `lexicon.py`).
"""

# Specific item nouns: strong evidence.
NOUNS = {
    "MOB": """
        meuble, mobilier, chaise, chaise en bois, chaise de bureau, fauteuil de bureau, siège de
        bureau, chaise pliante, chaise haute, chaise de cuisine, chaise de jardin, table, table
        basse, table de salon, table à manger, table de salle à manger, table de cuisine, table
        de jardin, table pliante, table ronde, table de ferme, table de nuit, table de chevet,
        chevet, table d'appoint, guéridon, console en bois, console d'entrée, desserte,
        tabouret, tabouret de bar, banc, banquette, pouf, fauteuil [electric=EEE-4], fauteuil
        relax, fauteuil club, fauteuil de jardin, bergère, rocking chair, chaise longue,
        transat, bain de soleil, canapé, canapé lit, canapé convertible, canapé d'angle, clic
        clac, bz, convertible, méridienne, sofa, divan, futon, lit [electric=EEE-4], lit simple,
        lit double, lit bébé, lit d'enfant, lit superposé, lit mezzanine, lit parapluie, lit
        pliant, lit gigogne, lit à barreau, berceau, couffin, tête de lit, cadre de lit,
        sommier, sommier à latte, matelas, matelat, surmatelas, armoire, armoire
        normande, penderie, dressing, commode, chiffonnier, semainier, buffet, buffet bas,
        bahut, vaisselier, enfilade, living, bibliothèque, étagère, étagère murale, rayonnage,
        meuble tv, meuble télé, meuble hi fi, meuble de cuisine, élément de cuisine, cuisine
        équipée, meuble haut, meuble bas, meuble à chaussure, meuble de salle de bain, colonne
        de salle de bain, vitrine, bureau, bureau d'écolier, bureau d'enfant, secrétaire,
        caisson, caisson de bureau, meuble à tiroir, tiroir, coffre à jouet, malle,
        portemanteau, porte manteau, paravent, coiffeuse, table à langer, commode à langer, parc
        bébé, parc pour bébé, salon de jardin, mobilier de jardin, banc de jardin, parasol, plan
        de travail, placard, casier, range chaussure, meuble d'entrée, pupitre, lit coffre,
        chauffeuse, fauteuil crapaud, repose pied, tabouret pliant, clic-clac, canapé cuir,
        étagère ikea, kallax, billy, bibliothèque ikea, meuble à casier, banc coffre, mezzanine,
        literie, ameublement, banquette lit, lit en fer, lit en bois, porte revue, table de
        bistrot, chaise de bistrot, chaise empilable, fauteuil en osier, armoire à glace,
        ottomane, bonnetière, confiturier, homme debout, maie, pétrin, crédence, meuble à cd,
        range cd, colonne cd, casier à bouteille, range bouteille, balancelle, tonnelle, table
        de pique nique, classeur à rideau, vestiaire, portant, portant à vêtement, matelas
        pliant, matelas bébé, matelas à langer, lit cabane, lit voiture, latte de sommier,
        plateau de table, pied de table, pied de parasol, coffre, meuble de rangement, table
        rallonge, table à rallonge, chaise de salle à manger, fauteuil voltaire, chaise en
        paille, table de bar, mange debout, bibliothèque murale, étagère en bois, étagère de
        rangement, meuble bas tv, commode de bébé, armoire de chambre, lit 1 place, lit 2 place,
        banquette clic clac, canapé 3 place, canapé 2 place, fauteuil à bascule, chaise à
        bascule, sellette, tabouret haut, chaise bistrot, table gigogne, desserte roulante
    """,
    "TLC": """
        vêtement, habit, fringue, linge, linge de maison, textile, tissu, pull, pull over,
        gilet, cardigan, veste, veste de costume, blazer, blouson, manteau, doudoune, parka,
        anorak, imperméable, ciré, kway, trench, poncho, jean, pantalon, jogging, survêtement,
        short, bermuda, jupe, robe, robe de mariée, robe de soirée, chemise, chemisier, blouse,
        tunique, tshirt, t shirt, tee shirt, polo, débardeur, sweat, sweat shirt, sweatshirt,
        hoodie, legging, collant, chaussette, sous vêtement, culotte, slip, caleçon, boxer,
        soutien gorge, lingerie, pyjama, chemise de nuit, nuisette, peignoir, robe de chambre,
        maillot de bain, maillot, combinaison, salopette, costume, tailleur, smoking, uniforme,
        tablier, cravate, noeud papillon, écharpe, foulard, étole, châle, bonnet, chapeau,
        casquette, béret, gant, moufle, ceinture, bretelle, sac à main, chaussure, basket,
        tennis, botte, bottine, boots, sandale, tong, escarpin, mocassin, derby, chausson,
        pantoufle, claquette, espadrille, ranger, sabot, botte de pluie, chaussure de sport,
        chaussure de ville, drap, drap housse, housse de couette, taie, taie d'oreiller,
        couette, oreiller, traversin, couverture [electric=EEE-5], plaid, jeté de lit, dessus de
        lit, couvre lit, édredon, nappe, serviette, serviette de bain, serviette de table, drap
        de bain, torchon, gant de toilette, rideau, voilage, coussin, housse de coussin, tapis
        de bain, layette, body, grenouillère, bavoir, brassière, pelote de laine, pelote,
        mercerie, coupon de tissu, chute de tissu, linge de lit, parure de lit, housse de
        canapé, vêtement de sport, vêtement d'enfant, vêtement de bébé, manteau d'hiver, chemise
        homme, robe d'été, pochette, sac en tissu, tote bag, foulard en soie, mitaine, cagoule,
        chaussure de randonnée, chaussure de marche, botte en caoutchouc, gilet sans manche,
        combinaison de ski, blouson de moto, veste en cuir, doudou en tissu, déguisement adulte,
        linge de table, linge de toilette, housse de matelas, alèse, molleton, dessous de table,
        sweat à capuche, veste polaire, polaire, kimono, jupon, guêpière, porte jarretelle,
        chausson de danse, ballerine, santiag, sneaker, chaussure à talon, bob, panama, maillot
        de foot, sape, frusque, marinière, caban, duffle coat, kilt, cuissarde, chaussure de
        sécurité, bleu de travail, vêtement de travail, gilet jaune, besace, sac en bandoulière,
        sac bandoulière, mouchoir en tissu, courtepointe, boutis, essuie main, essuie tout en
        tissu, rideau de douche, chemin de table, set de table, fil à coudre, bobine de fil,
        duvet, tour de lit, après ski, sac banane, jupe culotte, gilet en laine, pull en laine,
        robe de grossesse, vêtement de grossesse, doudoune sans manche, manteau de pluie,
        chaussure de danse, sous pull, col roulé, tenue, tenue de soirée, robe de baptême, linge
        ancien, drap ancien, nappe brodée, linge brodé, combinaison pantalon, bas de pyjama,
        pyjama enfant, veste de ski, pantalon de ski,
        affaire de bébé, affaire d'enfant, vêtement pour bébé, habit de bébé
    """,
    "VAI": """
        vaisselle, assiette, assiette plate, assiette creuse, assiette à dessert, verre, verre à
        pied, verre à vin, verre à eau, flûte à champagne, coupe à champagne, gobelet, tasse,
        tasse à café, tasse à thé, mug, bol, soucoupe, sous tasse, couvert, fourchette, couteau
        [electric=EEE-5], cuillère, cuiller, petite cuillère, louche, écumoire, spatule, fouet
        [electric=EEE-5], casserole, poêle, poêle à frire, faitout, cocotte, cocotte minute,
        cocotte en fonte, autocuiseur [electric=EEE-5], marmite, wok, sauteuse, plat, plat à
        gratin, plat à four, plat de service, saladier, plateau, carafe, pichet, broc, théière,
        cafetière italienne, cafetière à piston, moka, passoire, égouttoir, planche à découper,
        râpe, presse agrume [electric=EEE-5], presse purée, ouvre boîte [electric=EEE-5], tire
        bouchon, décapsuleur, service à thé, service à café, service de table, service de
        vaisselle, service à dessert, service à fondue, service à raclette, ménagère, soupière,
        saucière, beurrier, sucrier, pot à lait, crémier, ramequin, boîte hermétique, boîte de
        conservation, tupperware, bocal, bouteille, thermos, bouteille isotherme, essoreuse à
        salade, mandoline, rouleau à pâtisserie, moule, moule à gâteau, moule à tarte, moule à
        cake, moule à muffin, plaque à pâtisserie, batterie de cuisine, ustensile, ustensile de
        cuisine, vaisselle jetable, dessous de plat, bloc de couteau, couteau de cuisine, seau à
        glace, seau à champagne, shaker, verre doseur, huilier, salière, poivrier, moulin à
        poivre, plateau à fromage, cloche à fromage, coquetier, compotier, coupelle, cruche,
        gamelle, lunch box, boîte à pain, boîte à biscuit, boîte à épice, pot à épice, caquelon,
        plat à tajine, tajine, couscoussier, poissonnière, poêlon, casserole à lait, verre à
        whisky, verre à liqueur, chope, timbale, assiette à soupe, bol à soupe, saladier en
        verre, carafe à eau, carafe à décanter, cuit vapeur, panier vapeur, cocotte minute seb,
        pyrex, plat pyrex, bonbonnière, pot à confiture, plat à cake, économe, éplucheur, pilon,
        mortier, entonnoir, cafetière à l'italienne, dessous de verre, moulin à café manuel,
        poêle à crêpe, sorbetière manuelle, gourde, boîte à goûter, argenterie, ciseaux de
        cuisine, lèchefrite, plat à tarte, tourtière, terrine, grille de four, rond de
        serviette, porte couteau, coupe à fruit, corbeille à fruit, panier à pain, planche à
        pain, presse ail, casse noix, pince à sucre, pince à spaghetti, pince de cuisine,
        maryse, filtre à café, boîte à thé, moulin à légume, boîte en fer, boîte en métal, boîte
        à gâteau, cafetière en verre, verre à moutarde, machine à pâte [electric=EEE-5],
        service, cuillère en bois, couteau à pain, couteau à fromage, planche à fromage, verre à
        bière, verre à cocktail, pot en grès, plat en terre, cocotte en terre, batterie de
        casserole, lot de casserole, jeu de casserole, service à salade, service à verre,
        saladier en plastique, boîte à sucre, sucrier en porcelaine, tasse en porcelaine,
        gobelet en plastique, vaisselle en plastique, vaisselle enfant, assiette enfant, biberon
        en verre, bouteille en verre, cafetière moka
    """,
    "DEC": """
        décoration, déco, objet de décoration, objet déco, objet décoratif, bibelot, vase,
        cadre, cadre photo, porte photo, tableau, peinture à l'huile, toile, reproduction,
        affiche, poster, gravure, lithographie, aquarelle, miroir, miroir mural, psyché,
        statuette, statue, sculpture, bougeoir, chandelier, photophore, bougie, lanterne, lampe
        à huile, lampe à pétrole, lampe tempête, horloge [electric=EEE-5], pendule, coucou,
        carillon, baromètre, plante artificielle, fleur artificielle, fleur séchée, bouquet
        artificiel, cache pot, coupe décorative, corbeille, panier en osier, boîte à bijou,
        coffret à bijou, boîte décorative, plateau décoratif, abat jour, tapis, tapis persan,
        tapis de salon, tenture, tapisserie, napperon, trophée, masque africain, décoration de
        noël, déco de noël, boule de noël, sapin artificiel, sapin de noël, crèche, santon,
        guirlande [electric=EEE-5], couronne de noël, attrape rêve, mobile pour bébé, carillon
        éolien, sablier, globe terrestre, mappemonde, maquette, bateau en bouteille, coquillage,
        cendrier, presse papier, serre livre, porte encens, vide poche, tirelire, boule à neige,
        souvenir, objet en cuivre, cuivre, étain, statue en bronze, buste, figurine en
        porcelaine, plat décoratif, assiette décorative, vase en verre, vase en céramique, pot
        décoratif, fleur en tissu, couronne, diffuseur de parfum, bâton d'encens, cadre en bois,
        miroir sur pied, horloge murale, pendule murale, pendule comtoise, comtoise, porte
        bougie, boîte à musique, objet d'art, art, poterie, faïence décorative, éventail,
        décoration murale, sticker, sticker mural, lettre décorative, dentelle, lampe berger,
        objet religieux, crucifix, icône, pot pourri, minéral, fossile, médaille, plaque
        émaillée, enseigne, panneau décoratif, plaque décorative, automate, poupée en
        porcelaine, poupée de collection, chaudron en cuivre, bassinoire, pêle mêle, soliflore,
        sapin, décoration d'halloween, décoration de pâque, nain de jardin, statue de jardin,
        fontaine d'intérieur, décoration de table, centre de table, cadre photo en bois, grand
        cadre, cadre vide, photo encadrée, tableau encadré, porte manteau mural décoratif,
        plaque de porte, boule décorative, bougeoir en métal, lampion, lanterne chinoise,
        guirlande de papier, objet en laiton, plat en étain, vase chinois, vase en porcelaine,
        figurine décorative, décoration murale en métal,
        bouddha, tête de bouddha, statue de bouddha, éléphant, éléphant en bois, hibou, chouette,
        ange, angelot, chat en porcelaine, animal en porcelaine, cheval en bronze, objet en bois,
        sculpture en bois, masque en bois, totem, plante en plastique, fleur en plastique
    """,
    "DIV": """
        valise, bagage, sac de voyage, sac à dos, cartable, trousse, sacoche, mallette,
        parapluie, ombrelle, poussette, landau, siège auto, rehausseur, porte bébé, écharpe de
        portage, baignoire bébé, transat bébé, pot bébé, barrière de sécurité, lunette, lunette
        de soleil, montre [electric=EEE-6], bijou, bijou fantaisie, collier, bracelet, bague,
        boucle d'oreille, broche, pendentif, portefeuille, porte monnaie, porte clé, briquet,
        cage, cage à oiseau, niche, panier pour chien, laisse, collier pour chien, gamelle pour
        chien, arbre à chat, litière, aquarium, terrarium, fauteuil roulant [electric=EEE-4],
        déambulateur, béquille, canne, chaise percée, pneu, jante, enjoliveur, batterie de
        voiture, coffre de toit, barre de toit, porte vélo, chaîne neige, pile [holder],
        cartouche d'encre, cartouche, toner, fourniture scolaire, fourniture de bureau,
        classeur, cahier, stylo, agenda, papeterie, agrafeuse [electric=EEE-5], perforatrice,
        cintre, étendoir, séchoir à linge, planche à repasser, table à repasser, corbeille à
        papier, poubelle, seau, balai, serpillière, bassine, bidon, jerrican, extincteur,
        bouteille de gaz, tancarville, boîte aux lettre, coffre fort, timbre, collection de
        timbre, pièce de monnaie, matériel médical, thermomètre [electric=EEE-5], casque de
        moto, housse, parure, panier à linge, corbeille à linge, brosse à cheveux, brosse à dent
        [electric=EEE-5], bouillotte [electric=EEE-5], poêle à bois, poêle à pétrole, poêle à
        fioul, machine à écrire [electric=EEE-5], matériel de puériculture, nid d'ange,
        gigoteuse, sac de couchage bébé, tapis de change, chancelière, bâche de voiture, tapis
        de voiture, housse de siège, porte document, cantine, caisse de transport, trousse de
        toilette, vanity, sac de sport, sac poubelle, tapis de souris, tableau blanc, étui, étui
        à lunette, rasoir jetable, peigne, miroir de poche, sèche linge manuel, coussin de
        voyage, ventouse, bidon d'huile, batterie, chargeur de pile, accessoire, balayette,
        pelle et balayette, pince à linge, housse de vêtement, boîte de rangement, bac de
        rangement, caisse de rangement, panier de rangement, porte parapluie, crayon, crayon de
        couleur, feutre, règle, compas, massicot, ramette, ramette de papier, papier, sac
        d'école, bazar, bric à brac, nacelle, poussette canne, réducteur de toilette, biberon,
        tétine, rollator, attelle, griffoir, coussin pour chien, jouet pour chien, jouet pour
        chat, harnais, cage de transport, sac de transport, clapier, poulailler, mangeoire,
        nichoir, gamelle pour chat, gamelle pour animal, panier pour chat, remorque, câble de
        démarrage, triangle de signalisation, housse d'ordinateur, sacoche d'ordinateur, sac
        isotherme, cosy, maxi cosi, coque bébé, siège bébé, chapelet, chaussure orthopédique,
        sac à provision, caddie, chariot de course, cabas à roulette, trolley, vanity case,
        porte chéquier, porte carte, pilulier, pèse lettre, loupe, ciseaux, paire de ciseaux,
        lampe de bureau sans ampoule
    """,
}

# Vague nouns ("appareil", "machine") and containers: weaker evidence.
GENERIC = {
    "MOB": """
        élément, meuble en kit, rangement
    """,
    "TLC": """
        accessoire de mode, chaussure de foot, lacet
    """,
    "VAI": """
        ustensile de cuisson, récipient, pot,
        coupe, coupe à glace, coupe à dessert
    """,
    "DEC": """
        cadre doré,
        plante =1.5, couronne de l'avent
    """,
    "DIV": """
        divers, objet divers, objet, truc, bidule, machin, sac [container], carton [container],
        caisse [container], cagette [container], boîte [container], bac [container], lot
        [container], paquet [container], sachet [container], ensemble [container], set
        [container], kit [container], assortiment [container], collection [container], coffret
        [container], paire [container], panier [container], carton de déménagement [container],
        tas [container], cabas [container], valisette [container], série [container]
    """,
}

# Context words that are not items (materials, uses): weak evidence, "=weight" each.
CUES = {
    "MOB": """
        bois massif =0.8, chêne =0.8, merisier =0.9, pin =0.4, noyer =0.5, mélaminé =0.8,
        aggloméré =0.8, rembourré =0.6, pliant =0.3, salle à manger =0.8, salon =0.6, chambre
        =0.4, démonté =0.6, démontable =0.6
    """,
    "TLC": """
        laine =0.6, coton =0.6, cuir =0.4, taille =0.5, pointure =1.2, hiver =0.4, homme =0.4,
        femme =0.4, fille =0.3, garçon =0.3, bébé =0.2, lin =0.4, soie =0.6, fourrure =0.6, daim
        =0.5
    """,
    "VAI": """
        porcelaine =0.7, faïence =0.6, cristal =0.6, inox =0.7, fonte =0.4, grès =0.4, anti
        adhésif =1.0, cuisine =0.6
    """,
    "DEC": """
        céramique =0.5, laiton =0.7, bronze =0.6, osier =0.5, décoratif =0.9, noël =0.8, mural
        =0.3, encadré =0.8, ancien =0.1, terre cuite =0.3, verre soufflé =0.6
    """,
    "DIV": """
        bébé =0.2, animal =0.6, chien =0.6, chat =0.6, hamster =0.8, lapin nain =0.8, oiseau
        =0.5
    """,
}
