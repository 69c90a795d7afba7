# The city's outreach unit (Uppsökande enheten): semicolon-separated, ISO
# visit dates, a birth year only, gender pojke/flicka/okänt.
name = uppsok
delimiter = ;
column.date = datum
date_format.date = YYYY-MM-DD
column.name = namn
column.birth_year = fodelsear
column.gender = kon
gender.pojke = M
gender.flicka = F
gender.okänt = U
