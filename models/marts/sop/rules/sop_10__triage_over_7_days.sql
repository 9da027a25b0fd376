-- SOP-10 Triage for at most 7 days: group is Triage and D - entered_group_date > 7 days.
-- days_in_group is the facts' (D - entered_group_date), never recomputed here.
-- Settings: vars.sop_rules.sop_10__triage_over_7_days in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set max_days_in_group = rule_setting('max_days_in_group') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'in Triage since '
        || {{ txt('entered_group_date') }}
        || ' ('
        || {{ txt('days_in_group') }}
        || ' days)' as detail
    from facts
    where {{ group_column(group) }}
        and days_in_group > {{ max_days_in_group }}

)

select * from hits
