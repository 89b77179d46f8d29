-- An Oressource database as its last release leaves it (MariaDB), written for Recyclic's
-- import tests from the public schema's table and column names. Some tables keep latin1
-- columns, as databases created before the 2017 migration to utf8mb4 still do.
-- Statements are separated by ";" at the end of a line.

CREATE TABLE utilisateurs (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  niveau TEXT NOT NULL,
  nom TEXT NOT NULL,
  prenom TEXT NOT NULL,
  mail TEXT NOT NULL,
  pass TEXT NOT NULL,
  id_createur INT NOT NULL DEFAULT 0,
  id_last_hero INT NOT NULL DEFAULT 0,
  last_hero_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE description_structure (
  id INT NOT NULL PRIMARY KEY,
  nom TEXT NOT NULL,
  adresse TEXT NOT NULL,
  siret TEXT NOT NULL,
  id_localite INT NOT NULL DEFAULT 1,
  taux_tva DECIMAL(10,0) NOT NULL DEFAULT 0,
  tva_active TINYINT(1) NOT NULL DEFAULT 0,
  lot TINYINT(1) NOT NULL DEFAULT 1,
  pes_vente TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Reference tables: every one has an id, a free-form name, a colour and a visibility flag.
CREATE TABLE type_dechets (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  nom TEXT NOT NULL,
  description TEXT NOT NULL,
  couleur TEXT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=latin1;

CREATE TABLE grille_objets (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  nom TEXT NOT NULL,
  description TEXT NOT NULL,
  id_type_dechet INT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1,
  prix DECIMAL(10,2) NOT NULL DEFAULT 0,
  CONSTRAINT FK_GrilleObjet_TypeDechet FOREIGN KEY (id_type_dechet) REFERENCES type_dechets (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE type_dechets_evac (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  description TEXT NOT NULL,
  couleur TEXT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE types_poubelles (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  description TEXT NOT NULL,
  masse_bac DECIMAL(10,0) NOT NULL DEFAULT 0,
  ultime TINYINT(1) NOT NULL DEFAULT 0,
  couleur TEXT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE moyens_paiement (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  description TEXT NOT NULL,
  couleur TEXT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE type_collecte (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  description TEXT NOT NULL,
  couleur TEXT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=latin1;

CREATE TABLE localites (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  couleur TEXT NOT NULL,
  relation_openstreetmap TEXT NOT NULL,
  commentaire TEXT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE points_collecte (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  adresse TEXT NOT NULL,
  couleur TEXT NOT NULL,
  commentaire TEXT NOT NULL,
  pesee_max DECIMAL(10,0) NOT NULL DEFAULT 0,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE points_vente (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  adresse TEXT NOT NULL,
  couleur TEXT NOT NULL,
  commentaire TEXT NOT NULL,
  surface_vente DECIMAL(10,0) NOT NULL DEFAULT 0,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE points_sortie (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  adresse TEXT NOT NULL,
  couleur TEXT NOT NULL,
  commentaire TEXT NOT NULL,
  pesee_max DECIMAL(10,0) NOT NULL DEFAULT 0,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE type_sortie (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  description TEXT NOT NULL,
  couleur TEXT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE conventions_sorties (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  description TEXT NOT NULL,
  couleur TEXT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE filieres_sortie (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  nom TEXT NOT NULL,
  id_type_dechet_evac TEXT NOT NULL,
  couleur TEXT NOT NULL,
  description TEXT NOT NULL,
  visible TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Intake: a collection (one visit) and its weighings, one per waste type.
CREATE TABLE collectes (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  id_type_collecte INT NOT NULL,
  localisation INT NOT NULL,
  id_point_collecte INT NOT NULL,
  commentaire TEXT CHARACTER SET latin1 NOT NULL,
  id_createur INT NOT NULL DEFAULT 0,
  id_last_hero INT NOT NULL DEFAULT 0,
  last_hero_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT FK_Collectes_TypeCollecte FOREIGN KEY (id_type_collecte) REFERENCES type_collecte (id),
  CONSTRAINT FK_Collectes_PointCollectes FOREIGN KEY (id_point_collecte) REFERENCES points_collecte (id),
  CONSTRAINT FK_Collectes_Localite FOREIGN KEY (localisation) REFERENCES localites (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE pesees_collectes (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  masse DECIMAL(11,3) NOT NULL,
  id_collecte INT NOT NULL,
  id_type_dechet INT NOT NULL,
  id_createur INT NOT NULL DEFAULT 0,
  id_last_hero INT NOT NULL DEFAULT 0,
  last_hero_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT FK_PeseesCollectes_Collectes FOREIGN KEY (id_collecte) REFERENCES collectes (id),
  CONSTRAINT FK_PeseesCollectes_TypeDechet FOREIGN KEY (id_type_dechet) REFERENCES type_dechets (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The till: a ticket (vente, one payment method), its lines (vendus), their weighings.
CREATE TABLE ventes (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id_moyen_paiement INT NOT NULL,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  commentaire TEXT NOT NULL,
  id_point_vente INT NOT NULL,
  id_createur INT NOT NULL DEFAULT 0,
  id_last_hero INT NOT NULL DEFAULT 0,
  last_hero_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT FK_Ventes_MoyenPaiement FOREIGN KEY (id_moyen_paiement) REFERENCES moyens_paiement (id),
  CONSTRAINT FK_Ventes_PointVente FOREIGN KEY (id_point_vente) REFERENCES points_vente (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE vendus (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  id_vente INT NOT NULL,
  id_type_dechet INT NOT NULL,
  id_objet INT DEFAULT NULL,
  quantite INT NOT NULL,
  prix DECIMAL(9,2) NOT NULL,
  remboursement DECIMAL(9,2) NOT NULL,
  id_createur INT NOT NULL DEFAULT 0,
  id_last_hero INT NOT NULL DEFAULT 0,
  last_hero_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  lot TINYINT(1) NOT NULL DEFAULT 0,
  KEY FK_Vendus_Ventes (id_vente),
  CONSTRAINT FK_Vendus_Ventes FOREIGN KEY (id_vente) REFERENCES ventes (id),
  CONSTRAINT FK_Vendus_TypesDechets FOREIGN KEY (id_type_dechet) REFERENCES type_dechets (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One weighing per sold line, sharing the line's id.
CREATE TABLE pesees_vendus (
  id INT NOT NULL PRIMARY KEY,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  masse DECIMAL(11,3) NOT NULL,
  quantite INT NOT NULL,
  id_createur INT NOT NULL DEFAULT 0,
  id_last_hero INT NOT NULL DEFAULT 0,
  last_hero_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT FK_PeseesVendus_Vendus FOREIGN KEY (id) REFERENCES vendus (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Exits: classe says which screen recorded them (sorties: gift, sortiesc: partner
-- agreement, sortiesr: recycler, sortiesd: déchèterie, sortiesp: bins).
CREATE TABLE sorties (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  classe TEXT NOT NULL,
  id_filiere INT DEFAULT 0,
  id_convention INT DEFAULT 0,
  id_type_sortie INT DEFAULT 0,
  id_point_sortie INT NOT NULL,
  commentaire TEXT NOT NULL,
  id_createur INT NOT NULL DEFAULT 0,
  id_last_hero INT NOT NULL DEFAULT 0,
  last_hero_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT FK_Sorties_PointSorties FOREIGN KEY (id_point_sortie) REFERENCES points_sortie (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Since 2020 the three type references of an exit weighing carry no foreign key.
CREATE TABLE pesees_sorties (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  masse DECIMAL(7,3) NOT NULL,
  id_sortie INT NOT NULL,
  id_type_dechet INT DEFAULT 0,
  id_type_poubelle INT DEFAULT 0,
  id_type_dechet_evac INT DEFAULT 0,
  id_createur INT NOT NULL DEFAULT 0,
  id_last_hero INT NOT NULL DEFAULT 0,
  last_hero_timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT FK_PeseesSorties_Sorties FOREIGN KEY (id_sortie) REFERENCES sorties (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
