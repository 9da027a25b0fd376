{#- Date helpers shared by the models. All of them compile to portable SQL or to
    dbt's cross-database macros; nothing here is adapter-specific. -#}

{#- The wall-clock calendar date of an ISO 8601 datetime as written (the offset
    is ignored, never converted: Juvonno's offsets are wrong around DST).
    Valid because the validator checked DATETIME_PATTERN; no trim() because every
    loader trims raw values (the sources' contract: "the text as written, trimmed"),
    and trimming the whole datetime cost more than the cast (docs/notes/perf.md). -#}
{% macro wall_clock_date(datetime_text) -%}
    cast(substr({{ datetime_text }}, 1, 10) as date)
{%- endmacro %}

{#- "3 months before D": D minus 3 calendar months as SQL interval arithmetic
    does it, clamped to the month's end (31 May -> 28/29 February). The 3 is the
    SOP's, vars.sop_facts.engagement_months in dbt_project.yml. -#}
{% macro three_months_before() -%}
    cast({{ dbt.dateadd('month', -sop_fact_setting('engagement_months'), as_of_date()) }} as date)
{%- endmacro %}

{#- Whole days from start_date to end_date (end - start). -#}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}

{#- A date plus n days, as a date. -#}
{% macro add_days(n, date_expr) -%}
    cast({{ dbt.dateadd('day', n, date_expr) }} as date)
{%- endmacro %}

{#- The latest non-NULL of several expressions (NULL when all are NULL), whatever
    the engine's greatest() does with NULLs: every argument is coalesced with the
    others, so a NULL never wins nor poisons the result. -#}
{% macro null_safe_greatest(exprs) -%}
    {%- if exprs | length == 1 -%}
        {{ exprs[0] }}
    {%- else -%}
    greatest(
        {%- for e in exprs %}
        coalesce({{ e }}{% for o in exprs if o != e %}, {{ o }}{% endfor %}){% if not loop.last %},{% endif %}
        {%- endfor %}
    )
    {%- endif -%}
{%- endmacro %}
