-- One row per non-deleted customer: its group set and one flag per catalogue group.
-- Plain aggregates for everyone; the ordered string aggregation (the costly part)
-- only for the few customers with several memberships.

with

memberships as (

    select * from {{ ref('int_customer_group_memberships') }}

),

aggregated as (

    select
        customer_id,
        count(*) as membership_count,
        min(group_name) as only_group_name,
        min(sop_status) as only_sop_status,
        sum(case when is_no_group then 0 else 1 end) as group_count,
        sum(case when is_in_catalogue then 0 else 1 end) > 0 as has_unknown_group,
        sum(
            case when sop_status is not null and sop_status <> customer_status then 1 else 0 end
        ) as status_mismatch_count,
        -- noqa: disable=LT02,LT05
        {%- for group_name, column in catalogue_group_columns() %}
        sum(case when group_name = '{{ group_name }}' then 1 else 0 end) > 0 as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    -- noqa: enable=LT02,LT05
    from memberships
    group by customer_id

),

multi_memberships as (

    select memberships.*
    from memberships
    inner join aggregated
        on memberships.customer_id = aggregated.customer_id
        and aggregated.membership_count > 1

),

multi_names as (

    select
        customer_id,
        {{ dbt.listagg('group_name', "'; '", 'order by ' ~ binary_sort_key('group_name')) }} as group_names
    from multi_memberships
    group by customer_id

),

multi_statuses as (

    select distinct
        customer_id,
        sop_status
    from multi_memberships
    where sop_status is not null

),

multi_expected_status as (

    select
        customer_id,
        {{ dbt.listagg('sop_status', "'; '", 'order by ' ~ binary_sort_key('sop_status')) }} as expected_status
    from multi_statuses
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

final as (

    select
        aggregated.customer_id,
        case
            when aggregated.membership_count = 1 then aggregated.only_group_name
            else multi_names.group_names
        end as group_names,
        aggregated.group_count,
        aggregated.has_unknown_group,
        aggregated.status_mismatch_count,
        case
            when aggregated.membership_count = 1 then aggregated.only_sop_status
            else multi_expected_status.expected_status
        end as expected_status,
        unknown_groups.unknown_group_names,
        {%- for group_name, column in catalogue_group_columns() %}
        aggregated.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from aggregated
    left join multi_names
        on aggregated.customer_id = multi_names.customer_id
    left join multi_expected_status
        on aggregated.customer_id = multi_expected_status.customer_id
    left join unknown_groups
        on aggregated.customer_id = unknown_groups.customer_id

)

select * from final
