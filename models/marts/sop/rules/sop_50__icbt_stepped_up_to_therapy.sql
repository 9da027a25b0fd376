-- SOP-50 iCBT patient stepped up to therapy: group is iCBT and therapy_offers >= 1.
-- Settings: vars.sop_rules.sop_50__icbt_stepped_up_to_therapy in dbt_project.yml.

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
        'iCBT with ' || {{ txt('therapy_offers') }} || ' therapy appointment(s) offered' as detail
    from facts
    where {{ group_column(group) }}
        and therapy_offers >= 1

)

select * from hits
