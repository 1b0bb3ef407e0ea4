import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("customer_lifecycle_kanban_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customers app",
            trigger:
                ".o_app[data-menu-xmlid='customer_relationship.menu_customer_root']",
            run: "click",
        },
        {
            content: "Open the lifecycle kanban",
            trigger:
                ".o_main_navbar [data-menu-xmlid='customer_lifecycle.menu_customer_lifecycle']",
            run: "click",
        },
        {
            content: "The customer is a new customer",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains('Lead')) .o_kanban_record:contains('Tour Lifecycle 周琪')",
        },
        {
            content: "Drag the customer to the Opportunity stage",
            trigger: ".o_kanban_record:contains('Tour Lifecycle 周琪')",
            run: "drag_and_drop .o_kanban_group:has(.o_column_title:contains('Opportunity')) .o_kanban_record:first",
        },
        {
            content: "The customer is now in the Opportunity column",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains('Opportunity')) .o_kanban_record:contains('Tour Lifecycle 周琪')",
        },
        {
            content: "Open the customer",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains('Opportunity')) .o_kanban_record:contains('Tour Lifecycle 周琪')",
            run: "click",
        },
        {
            content: "The history shows the manual move from Lead to Opportunity",
            trigger:
                ".o_form_view .o_field_widget[name=history_ids] tr.o_data_row:has(td[name=from_stage_id]:contains('Lead')):has(td[name=stage_id]:contains('Opportunity')):has(td[name=cause]:contains('User'))",
        },
        {
            content: "The customer is locked",
            trigger: ".o_form_view button[name=action_unlock]",
        },
    ],
});
