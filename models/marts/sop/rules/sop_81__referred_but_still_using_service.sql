-- SOP-81 Referred out but still using the service: group is Referred to External Services and
-- last_engagement_date > referral_date. Expected: Therapy when a therapy session was
-- attended after referral_date, else iCBT.
-- Settings: vars.sop_rules.sop_81__referred_but_still_using_service in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set expected_group = rule_setting('expected_group') %}
{%- set expected_group_otherwise = rule_setting('expected_group_otherwise') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        case
            when last_therapy_attended_date > referral_date then {{ text_literal(expected_group) }}
            else {{ text_literal(expected_group_otherwise) }}
        end as expected_group,
        'referred ' || {{ txt('referral_date') }} || ', engaged ' || {{ txt('last_engagement_date') }} as detail
    from facts
    where {{ group_column(group) }}
        and last_engagement_date > referral_date

)

select * from hits
