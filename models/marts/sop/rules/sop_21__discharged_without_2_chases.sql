-- SOP-21 Discharged without 2 chase attempts: group is Discharged and chase_attempts < 2.
-- Settings: vars.sop_rules.sop_21__discharged_without_2_chases in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set min_chase_attempts = rule_setting('min_chase_attempts') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'Discharged with '
        || {{ txt('chase_attempts') }}
        || ' chase attempt(s) after '
        || {{ txt('chase_since_date') }} as detail
    from facts
    where {{ group_column(group) }}
        and chase_attempts < {{ min_chase_attempts }}

)

select * from hits
