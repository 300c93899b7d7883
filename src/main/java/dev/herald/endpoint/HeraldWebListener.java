package dev.herald.endpoint;

import dev.herald.api.OperationsServlet;
import dev.herald.config.HeraldSettings;
import dev.herald.config.SettingsLoader;
import dev.herald.hub.Hub;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.Map;

/**
 * Starts the hub when the WAR is deployed (and registers {@code /metrics} and {@code /health/*}, unless the setting
 * {@code metrics} is off), and closes it (and its thread) when the WAR is undeployed.
 * Settings come from system properties, then the environment, then {@code web.xml} context parameters.
 */
@WebListener
public class HeraldWebListener implements ServletContextListener {

    private Hub hub;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        HeraldSettings settings = SettingsLoader.load(Map.of(), SettingsLoader.systemProperties(), System.getenv(),
                context::getInitParameter);
        hub = Hub.start(settings);
        RunningHub.install(hub, settings.rawFrames() ? new TyrusRawFrames() : null);
        if (settings.metrics()) {
            context.addServlet("herald-operations", OperationsServlet.class).addMapping(OperationsServlet.MAPPINGS);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        hub.close(); // drains first: the hub must still be reachable by the endpoints meanwhile
        RunningHub.uninstall(hub);
    }
}
