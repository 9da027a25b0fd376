-- SOP-23 Discharged but referred out: group is Discharged and referral_date is not NULL.
-- Settings: vars.sop_rules.sop_23__discharged_but_referred_out in dbt_project.yml.

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
        'Discharged, external referral on ' || {{ txt('referral_date') }} as detail
    from facts
    where {{ group_column(group) }}
        and referral_date is not null

)

select * from hits
