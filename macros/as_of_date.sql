{#- The as-of date D of the export, as a SQL date literal. The runner sets it by
    environment (JUVONNO_DQ_AS_OF_DATE), which keeps dbt's partial parsing across
    nightly runs (a changed --vars forces a full re-parse); --vars as_of_date, when
    given, wins. The environment is read only when executing: an env_var() read while
    parsing is recorded, and a new value each night re-parsed every file that calls
    this macro (~1 s of CPU a run); the value only matters in the compiled SQL. On the dev target `juvonno-dq dev` recorded the export's as-of date
    in the development warehouse (juvonno_dev_context.as_of), so a plain `dbt build`
    by hand evaluates the export as of its own date. Else today. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date') or (env_var('JUVONNO_DQ_AS_OF_DATE', '') if execute else '') or dev_as_of_date() or modules.datetime.date.today().isoformat() -%}
    cast('{{ value }}' as date)
{%- endmacro %}

{% macro dev_as_of_date() -%}
    {%- if execute and target.name == 'dev' -%}
        {%- set rows = run_query("select cast(as_of_date as varchar) from juvonno_dev_context.as_of") -%}
        {{- return(rows.columns[0].values()[0] if rows and rows.rows | length else none) -}}
    {%- endif -%}
    {{- return(none) -}}
{%- endmacro %}
