# Svenska Röda Korset: comma-separated, ISO dates, full name in one field
# (sometimes "Surname, Given", then quoted), sex male/female or empty.
# birth_date is a full date when the young person knows it, else the year
# alone: both patterns are listed (the first that fits decides).
# swedish_id is 10 digits without separator: the visit date decides the century.
name = rodakorset
delimiter = ,
column.date = visit_date
date_format.date = YYYY-MM-DD
column.name = full_name
column.birth_date = birth_date
date_format.birth_date = YYYY-MM-DD | YYYY
column.gender = sex
gender.male = M
gender.female = F
column.country = origin
column.dossier = migration_board_id
column.personnummer = swedish_id
