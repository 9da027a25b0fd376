{#- The runner's run id (JUVONNO_DQ_RUN_ID, set per run by runner/dbt.py), else
    --vars run_id, else 'manual'. By environment so that partial parsing survives
    the nightly change: only the files that call this macro are re-parsed. -#}
{% macro run_id() -%}
    {%- set from_vars = var('run_id', 'manual') -%}
    {{ return(from_vars if from_vars != 'manual' else env_var('JUVONNO_DQ_RUN_ID', 'manual')) }}
{%- endmacro %}
