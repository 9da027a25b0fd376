-- One row per non-deleted customer: its group set and one flag per catalogue group.

with

memberships as (

    select * from {{ ref('int_customer_group_memberships') }}

),

expected_statuses as (

    select distinct customer_id, sop_status
    from memberships
    where sop_status is not null

),

expected_status as (

    select
        customer_id,
        {{ dbt.listagg('sop_status', "'; '", 'order by ' ~ binary_sort_key('sop_status')) }} as expected_status
    from expected_statuses
    group by customer_id

),

unknown_groups as (

    select
        customer_id,
        {{ dbt.listagg('group_name', "'; '", 'order by ' ~ binary_sort_key('group_name')) }} as unknown_group_names
    from memberships
    where not is_in_catalogue
    group by customer_id

),

aggregated as (

    select
        customer_id,
        {{ dbt.listagg('group_name', "'; '", 'order by ' ~ binary_sort_key('group_name')) }} as group_names,
        sum(case when is_no_group then 0 else 1 end) as group_count,
        sum(case when is_in_catalogue then 0 else 1 end) > 0 as has_unknown_group,
        sum(
            case when sop_status is not null and sop_status <> customer_status then 1 else 0 end
        ) as status_mismatch_count,
        {%- for group_name, column in catalogue_group_columns() %}
        sum(case when group_name = '{{ group_name }}' then 1 else 0 end) > 0 as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from memberships
    group by customer_id

),

final as (

    select
        aggregated.*,
        expected_status.expected_status,
        unknown_groups.unknown_group_names
    from aggregated
    left join expected_status
        on aggregated.customer_id = expected_status.customer_id
    left join unknown_groups
        on aggregated.customer_id = unknown_groups.customer_id

)

select * from final
