-- SOP-04 One group per patient: the customer has two or more group memberships
-- other than No Group. About the customer as a whole: group_name lists all its groups.
-- Settings: vars.sop_rules.sop_04__one_group_per_patient in dbt_project.yml.

{%- set max_groups = rule_setting('max_groups') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        group_names as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        {{ txt('group_count') }} || ' groups: ' || group_names as detail
    from facts
    where group_count > {{ max_groups }}

)

select * from hits
