-- SOP-20 Discharged but engaged within 3 months: group is Discharged and
-- last_engagement_date is within the last 3 months (on or after D minus 3 months).
-- Settings: vars.sop_rules.sop_20__discharged_engaged_within_3_months in dbt_project.yml.

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
        'Discharged, last engagement '
        || {{ txt('last_engagement_date') }}
        || ' (on/after '
        || {{ txt(three_months_before()) }}
        || ')' as detail
    from facts
    where {{ group_column(group) }}
        and last_engagement_date >= {{ three_months_before() }}

)

select * from hits
