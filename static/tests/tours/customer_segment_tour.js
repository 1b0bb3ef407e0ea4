import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("customer_relationship_segment_tour", {
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
            content: "Open the segments",
            trigger:
                ".o_main_navbar [data-menu-xmlid='customer_relationship.menu_customer_segments']",
            run: "click",
        },
        {
            content: "Open the segment",
            trigger: ".o_data_row td:contains('Tour Champions in Hangzhou')",
            run: "click",
        },
        {
            content: "One customer matches",
            trigger: "button[name=action_open_customers] .o_stat_value:contains('1')",
        },
        {
            content: "Send a personalised mail",
            trigger: "button[name=action_open_mail_wizard]",
            run: "click",
        },
        {
            content: "The wizard counts one recipient",
            trigger: ".modal .o_field_widget[name=recipient_count]:contains('1')",
        },
        {
            content: "Send",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The notification says the mailing is queued, and for how many",
            trigger: ".o_notification:contains('Mailing queued. Recipients: 1.')",
        },
    ],
});
