-- SOP-52 iCBT patient not engaged for 3 months: group is iCBT and last_engagement_date is
-- more than 3 months ago (or NULL and `created` is more than 3 months ago).
-- Expected: Discharged when chase_attempts >= 2, else none.
-- Settings: vars.sop_rules.sop_52__icbt_not_engaged_3_months in dbt_project.yml.

{%- set group = rule_setting('group') %}
{%- set expected_group = rule_setting('expected_group') %}
{%- set min_chase_attempts = rule_setting('min_chase_attempts') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        {{ text_literal(group) }} as group_name,
        case when chase_attempts >= {{ min_chase_attempts }} then {{ text_literal(expected_group) }} end
            as expected_group,
        case
            when last_engagement_date is null then 'iCBT, never engaged, created ' || {{ txt('created_date') }}
            else 'iCBT, last engagement ' || {{ txt('last_engagement_date') }}
        end
        || ' (before '
        || {{ txt(three_months_before()) }}
        || ')'
        || '; '
        || {{ txt('chase_attempts') }}
        || ' chase attempt(s) since '
        || {{ txt('chase_since_date') }} as detail
    from facts
    where {{ group_column(group) }}
        and coalesce(last_engagement_date, created_date) < {{ three_months_before() }}

)

select * from hits
