# The schema of make_iop_visits.py --stream (as bench/bench_ingest.sh uses it).
name = stream
delimiter = ,
column.date = visit_date
date_format.date = YYYY-MM-DD
column.name = name
column.birth_date = birth_date
date_format.birth_date = YYYY-MM-DD
column.gender = gender
column.country = country
column.dossier = dossier
