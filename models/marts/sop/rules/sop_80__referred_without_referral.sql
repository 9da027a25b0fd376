-- SOP-80 Referred out without a referral record: group is Referred to External Services and
-- referral_date is NULL.
-- Settings: vars.sop_rules.sop_80__referred_without_referral in dbt_project.yml.

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
        'no External Referral recorded' as detail
    from facts
    where {{ group_column(group) }}
        and referral_date is null

)

select * from hits
