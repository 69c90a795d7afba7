# Rädda Barnen: comma-separated, day-first visit dates, compact birth dates,
# given name and surname in separate columns. id_number holds a Swedish
# number when the young person has one, otherwise the dossier number.
name = raddabarnen
delimiter = ,
column.date = date
date_format.date = DD/MM/YYYY
column.given_name = first_name
column.surname = last_name
column.birth_date = dob
date_format.birth_date = YYYYMMDD
column.gender = gender
gender.M = M
gender.F = F
gender.X = X
column.country = country
column.id_auto = id_number
