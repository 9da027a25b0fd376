-- SOP-60 Parent Contact account in treatment: group is Parent Contact and last_engagement_date
-- is not NULL.
-- Settings: vars.sop_rules.sop_60__parent_contact_in_treatment in dbt_project.yml.

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
        'Parent Contact with engagement on ' || {{ txt('last_engagement_date') }} as detail
    from facts
    where {{ group_column(group) }}
        and last_engagement_date is not null

)

select * from hits
