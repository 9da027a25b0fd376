-- SOP-24 Discharged but asked to end: group is Discharged and end_requested and began_treatment.
-- Settings: vars.sop_rules.sop_24__discharged_but_asked_to_end in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set expected_group = rule_setting('expected_group') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        {{ text_literal(expected_group) }} as expected_group,
        'Discharged, end-of-services request after treatment began' as detail
    from facts
    where {{ group_column(group) }}
        and end_requested
        and began_treatment

)

select * from hits
