{#- Helpers of the findings history (models/marts/sop/findings/). "A run" is an
    as-of date that published: a date of the findings history itself or of the
    runner's dq_run_history (a run with no hit leaves no finding row). -#}

{#- The runner's run history, or none when dbt runs without the runner (a bare
    `dbt build`, the test harness): then only the findings history's own dates count. -#}
{% macro run_history_relation() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=target.database, schema=target.schema ~ '_history', identifier='dq_run_history')) }}
{%- endmacro %}

{#- select as_of_date: every earlier run (as-of date before D) of the instance. -#}
{% macro earlier_run_dates(findings_relation) -%}
    {%- set run_history = run_history_relation() -%}
    select as_of_date from {{ findings_relation }} where as_of_date < {{ as_of_date() }}
    {%- if run_history is not none %}
    union
    select as_of_date from {{ run_history }} where as_of_date < {{ as_of_date() }}
    {%- endif %}
{%- endmacro %}

{#- Pre-hook of the findings history: a re-run of date D (or a hand-run back in
    time) replaces the rows of D onwards, also when this run has no hit at all
    (delete+insert alone would keep the old rows of D then). -#}
{% macro delete_findings_from_as_of(relation) -%}
    {%- set existing = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) if execute else none -%}
    {%- if existing is not none -%}
        {{ adapter.dispatch('delete_findings_from_as_of')(existing) }}
    {%- else -%}
        select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{% macro default__delete_findings_from_as_of(existing) -%}
    delete from {{ existing }} where as_of_date >= {{ as_of_date() }}
{%- endmacro %}

{#- Spark (Parquet, no Delta): no `delete`; the history is partitioned by
    as_of_date and D's partition is dropped. Later dates cannot exist: the runner
    refuses an as-of date earlier than its history's latest. -#}
{% macro spark__delete_findings_from_as_of(existing) -%}
    {#- a partition spec takes a literal: D as as_of_date() resolves it (no dev target on Spark) -#}
    {%- set value = var('as_of_date') or env_var('JUVONNO_DQ_AS_OF_DATE', '') or modules.datetime.date.today().isoformat() -%}
    alter table {{ existing }} drop if exists partition (as_of_date = '{{ value }}')
{%- endmacro %}
