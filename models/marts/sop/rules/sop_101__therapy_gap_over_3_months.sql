-- SOP-101 Gap of more than 3 months since the last session: group is Therapy and
-- therapy_attended >= 1 and last_therapy_attended_date is more than 3 months ago.
-- Expected: Discharged when chase_attempts >= 2, else none.
-- Settings: vars.sop_rules.sop_101__therapy_gap_over_3_months in dbt_project.yml.

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
        'last therapy session '
        || {{ txt('last_therapy_attended_date') }}
        || ' (before '
        || {{ txt(three_months_before()) }}
        || ')'
        || '; '
        || {{ txt('chase_attempts') }}
        || ' chase attempt(s) since '
        || {{ txt('chase_since_date') }} as detail
    from facts
    where {{ group_column(group) }}
        and therapy_attended >= 1
        and last_therapy_attended_date < {{ three_months_before() }}

)

select * from hits
