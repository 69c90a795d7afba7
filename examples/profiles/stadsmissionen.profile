# Stockholms Stadsmission: visitor register export.
# Semicolon-separated, ISO dates; the name is one field, sometimes
# "Surname, Given"; gender codes man/kvinna/annat.
name = stadsmissionen
delimiter = ;
column.date = besoksdatum
date_format.date = YYYY-MM-DD
column.name = namn
column.birth_date = fodelsedatum
date_format.birth_date = YYYY-MM-DD
column.gender = kon
gender.man = M
gender.kvinna = F
gender.annat = X
column.country = land
column.personnummer = personnummer
column.dossier = dossiernummer
