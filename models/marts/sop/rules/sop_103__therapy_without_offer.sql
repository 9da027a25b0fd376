-- SOP-103 In Therapy with no therapy offered: group is Therapy and therapy_offers = 0.
-- Settings: vars.sop_rules.sop_103__therapy_without_offer in dbt_project.yml.

{%- set group = rule_setting('group') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'in Therapy, no therapy appointment offered' as detail
    from facts
    where {{ group_column(group) }}
        and therapy_offers = 0

)

select * from hits
