"""OneRing's Airflow glue: the pipeline spec reader and the one generic step operator.

`spec` and `steps` import nothing from Airflow, so the static checks (ops/tests) run them with
plain /usr/bin/python3; `operators` is the thin Airflow layer over them.
"""
