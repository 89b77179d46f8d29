"""Lexicon data: brands and product names, with the categories they suggest.

A brand alone is weaker evidence than an item noun, except product names that identify one
kind of item ("une Nespresso", "un iPhone"). Format: brand -> "CODE[:weight] …"; a bare code
means the whole brand weight goes to that category.
"""

# Brands whose products are mostly one kind of item: the name alone is good evidence.
SINGLE = {
    "EEE-1": """
        liebherr, frigidaire, haier, beko, vestel
    """,
    "EEE-2": """
        ipad, macbook, macbook air, macbook pro, imac, kindle, kobo, chromebook, galaxy tab,
        surface pro
    """,
    "EEE-4": """
        miele =1.0, electrolux =1.0, candy, indesit, vedette, faure, sauter, de dietrich,
        rosières, scholtes, husqvarna =0.8
    """,
    "EEE-5": """
        nespresso, senseo, dolce gusto, tassimo, moulinex, rowenta, dyson, krups, delonghi,
        de longhi, kenwood, magimix, thermomix, cookeo, babyliss, remington, calor, braun,
        oral b, oralb, karcher, kärcher, black et decker, black and decker, black decker,
        makita, ryobi, dewalt, metabo, hilti, festool, parkside, worx, einhell, dremel,
        kitchenaid, riviera et bar, lagrange, nutribullet, vorwerk, kobold, hoover, singer,
        brother innov is, gopro, polaroid, nikon, pentax, olympus, minolta, jbl, bose, marshall,
        pioneer, technics, denon, marantz, onkyo, sonos, vtech, tefal actifry, philips sonicare,
        thomson =0.8, grundig, teleco, severin, domoclip, proline, listo, essentiel b, airfryer,
        ninja
    """,
    "EEE-6": """
        iphone, blackberry, nokia, motorola, oppo, oneplus, wiko, alcatel, doro, netgear,
        tp link, linksys, freebox, livebox, bbox, logitech, epson, brother, lexmark, kyocera,
        ricoh, xerox, tomtom, garmin, texas instrument, ti 83, playstation, ps1, ps2, ps3, ps4,
        ps5, xbox, wii, nintendo, switch, game boy, gameboy, nintendo ds, 3ds, psp, sega, atari,
        western digital, seagate, sandisk, synology, packard bell, fujitsu, ds lite, dsi,
        3ds xl, nintendo 64, n64, gamecube, game cube, super nintendo, megadrive, dreamcast,
        sega, game boy advance, game boy color, playstation portable, ps vita
    """,
    "EEE-7": """
        sunpower, voltec
    """,
    "MOB": """
        conforama =0.8, roche bobois, ligne roset, gautier, bultex, dunlopillo, simmons, tempur,
        emma, epeda, treca, kallax, billy, hemnes, malm, poang, ektorp
    """,
    "TLC": """
        zara, kiabi, levi's, levis, nike =0.8, adidas =0.8, puma =0.8, reebok, converse, vans,
        new balance, asics =0.6, le coq sportif, lacoste, petit bateau, jacadi, okaidi,
        tape à l'oeil, cyrillus, promod, camaïeu, celio, jules, uniqlo, primark, shein, gap,
        benetton, desigual, burberry, chanel =0.6, dior =0.6, gucci =0.6, louis vuitton =0.6,
        longchamp =0.7, timberland, dr martens, ugg, birkenstock, crocs, geox, aigle =0.6,
        the north face, columbia =0.6, patagonia, damart, bonobo, devred, armor lux,
        saint james, sergent major, du pareil au même, vertbaudet, somewhere,
        comptoir des cotonniers, sézane, naf naf, pimkie, mango, hermès =0.6, lancel
    """,
    "JOU": """
        playmobil, lego, duplo, kapla, barbie, fisher price, smoby, vilac, djeco, janod, hasbro,
        mattel, hot wheels, majorette, nerf, schleich, ravensburger, clementoni,
        sophie la girafe, polly pocket, my little pony, pokémon, pokemon, bakugan, meccano,
        brio, little tikes, chicco jouet, lansay, goliath, asmodee, moulin roty, corolle,
        petshop, action man, monopoly, 1 2 3 soleil, star wars, pat patrouille, marvel =0.6
    """,
    "SPO": """
        quechua, btwin, b twin, rockrider, kalenji, domyos, tribord, rossignol, salomon =0.7,
        babolat, wilson, dunlop, head tennis, mizuno =0.6, peugeot =0.5, gitane, lapierre,
        cannondale, specialized, trek, scott, giant, décathlon, oxelo, wed'ze, wedze, solognac,
        caperlan, artengo, kipsta, tarmak, kettler, yamaha piano =1.0, fender, gibson, epiphone,
        stagg, hohner, obut, bic surf, intex =0.6, bestway =0.6, coleman =0.7, campingaz =0.8,
        vango, trangoa
    """,
    "BRI": """
        stanley, facom, gardena, wolf garten, fiskars, stihl =0.7, leroy merlin =0.6,
        castorama =0.6, brico dépôt, magnusson, dexter, tolix, haemmerlin, kärcher outil
    """,
    "LIV": """
        folio, gallimard, pocket, harlequin, larousse, robert, bescherelle, bordas, nathan =0.6,
        dargaud, dupuis, casterman, glénat, kana, pika, marvel comics, astérix, tintin, spirou,
        pléiade, universalis, reader's digest, paris match, géo, national geographic,
        science et vie, picsou, mickey parade, martine, oui oui, club des cinq, chair de poule,
        harry potter
    """,
    "VAI": """
        le creuset, staub, pyrex, tupperware, duralex, arcopal, luminarc, arc international,
        opinel, laguiole, christofle, bernardaud, haviland, limoges, gien, villeroy,
        villeroy et boch, cristal d'arques, baccarat =0.6, daum =0.5, de buyer, mauviel,
        cristel, zwilling, sabatier, bodum, emile henry, revol, cocotte seb, tefal ingenio,
        ikea 365, bialetti, cafetière bialetti
    """,
    "DEC": """
        maison du monde =0.8, lalique =0.7, swarovski =0.6, lladró, lladro, hummel, vitra =0.4
    """,
    "DIV": """
        samsonite, delsey, eastpak, kipling, quiksilver sac, bébé confort, maxi cosi, maxi-cosi,
        cybex, babymoov, yoyo babyzen, mac laren, maclaren, aubert, ray ban, rayban,
        swatch =0.7, festina =0.7, fossil =0.6, pandora =0.7, bic, zippo, parker, waterman,
        vileda
    """,
}

# Brands spread over several categories: the weights say how often each applies.
SPREAD = {
    "samsung": "EEE-6:0.6 EEE-2:0.5 EEE-1:0.3 EEE-4:0.2",
    "lg": "EEE-2:0.6 EEE-4:0.3 EEE-1:0.3",
    "sony": "EEE-2:0.5 EEE-5:0.5 EEE-6:0.4",
    "panasonic": "EEE-2:0.4 EEE-5:0.5",
    "philips": "EEE-5:0.7 EEE-3:0.4 EEE-2:0.4",
    "bosch": "EEE-5:0.6 EEE-4:0.6 EEE-1:0.4",
    "siemens": "EEE-4:0.6 EEE-1:0.4 EEE-5:0.3",
    "whirlpool": "EEE-4:0.6 EEE-1:0.6",
    "brandt": "EEE-4:0.7 EEE-1:0.5",
    "seb": "EEE-5:0.7 VAI:0.5",
    "tefal": "EEE-5:0.6 VAI:0.6",
    "apple": "EEE-6:0.6 EEE-2:0.6",
    "mac": "EEE-2:0.6 EEE-6:0.4",
    "microsoft": "EEE-6:0.7 EEE-2:0.3",
    "hisense": "EEE-2:0.6 EEE-1:0.4",
    "sharp": "EEE-2:0.5 EEE-5:0.4",
    "toshiba": "EEE-2:0.5 EEE-6:0.4",
    "ikea": "MOB:0.8 DEC:0.3 VAI:0.3",
    "decathlon": "SPO:0.8 TLC:0.3",
    "disney": "JOU:0.5 LIV:0.5",
    "chicco": "DIV:0.6 JOU:0.5",
    "oxo": "VAI:0.8",
    "dell": "EEE-6:0.7 EEE-2:0.6",
    "asus": "EEE-2:0.6 EEE-6:0.6",
    "lenovo": "EEE-2:0.7 EEE-6:0.6",
    "acer": "EEE-2:0.6 EEE-6:0.6",
    "hp": "EEE-6:0.8 EEE-2:0.5",
    "canon": "EEE-6:0.6 EEE-5:0.6",
    "xiaomi": "EEE-6:0.6 EEE-5:0.4",
    "huawei": "EEE-6:0.7 EEE-2:0.3",
    "yamaha": "SPO:0.5 EEE-5:0.6",
    "casio": "EEE-6:0.6 EEE-5:0.4",
}

# "jeu PS4" is a video game (LIV), not a console.
GAME_PLATFORMS = (
    "ps1, ps2, ps3, ps4, ps5, playstation, playstation 2, playstation 3, playstation 4, xbox, "
    "xbox 360, xbox one, wii, wii u, switch, nintendo, nintendo switch, ds, 3ds, nintendo ds, "
    "game boy, gameboy, pc, psp, gamecube, megadrive, super nintendo, game cube"
)

# "portable HP" is a laptop, while "un portable" alone is a phone.
LAPTOP_MAKERS = (
    "hp dell asus acer lenovo toshiba apple mac msi samsung sony vaio fujitsu packard bell "
    "compaq medion huawei microsoft"
)
