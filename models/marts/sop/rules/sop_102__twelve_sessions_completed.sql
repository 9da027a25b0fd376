-- SOP-102 12 sessions completed: group is Therapy and therapy_attended >= 12.
-- Settings: vars.sop_rules.sop_102__twelve_sessions_completed in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set expected_group = rule_setting('expected_group') %}
{%- set graduating_sessions = rule_setting('graduating_sessions') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        {{ text_literal(expected_group) }} as expected_group,
        {{ txt('therapy_attended') }}
        || ' therapy sessions attended, last '
        || {{ txt('last_therapy_attended_date') }} as detail
    from facts
    where {{ group_column(group) }}
        and therapy_attended >= {{ graduating_sessions }}

)

select * from hits
